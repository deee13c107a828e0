// `npm run schemas`: write the JSON Schemas of kaws.yml and cluster.yml from the zod schemas.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { configJsonSchemas } from "./json-schemas.js";

const root = fileURLToPath(new URL("../", import.meta.url));
for (const [path, text] of Object.entries(configJsonSchemas())) {
  mkdirSync(dirname(root + path), { recursive: true });
  writeFileSync(root + path, text);
  console.log(`wrote ${path}`);
}
