#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npx kaws` works right after `npm ci` with nothing to build.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
