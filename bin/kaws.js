#!/usr/bin/env node
// The `kaws` command. `npm ci` compiles the TypeScript to dist/ (the `prepare` script), and that
// JavaScript runs here; in a checkout whose dist/ is missing or older than a source file (a change
// not built yet), the TypeScript runs through tsx instead, so `kaws` always runs the code you see.
import { readdirSync, statSync } from "node:fs";
import { URL } from "node:url";

const root = new URL("../", import.meta.url);

/** The newest modification time under a folder, in ms (0 when it does not exist). */
function newest(dir) {
  let latest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const path = new URL(entry.name + (entry.isDirectory() ? "/" : ""), dir);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

function builtAt() {
  try {
    return statSync(new URL("dist/.built", root)).mtimeMs;
  } catch {
    return 0;
  }
}

let main;
if (builtAt() >= newest(new URL("src/", root))) {
  ({ main } = await import(new URL("dist/cli/main.js", root).href));
} else {
  const { register } = await import("tsx/esm/api");
  register();
  ({ main } = await import(new URL("src/cli/main.ts", root).href));
}
process.exitCode = await main(process.argv.slice(2));
