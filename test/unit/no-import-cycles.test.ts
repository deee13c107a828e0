import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const src = fileURLToPath(new URL("../../src/", import.meta.url));

/** `import … from "./x.js"`, `import type …`, `export … from` and `import "./x.js"`: static edges. */
const RELATIVE_IMPORT = /^\s*(?:import|export)\b[^;"']*?["'](\.{1,2}\/[^"']+)["']/gm;

/** The relative imports of a module's source, as the .ts files they name (relative to src/). */
function relativeImports(file: string, source: string): string[] {
  return [...source.matchAll(RELATIVE_IMPORT)].map((match) =>
    normalize(join(dirname(file), match[1]!)).replace(/\.js$/, ".ts"),
  );
}

/** Each import cycle once, as the files in order with the first repeated at the end. */
function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const done = new Set<string>();
  const stack: string[] = [];
  const visit = (file: string) => {
    const at = stack.indexOf(file);
    if (at !== -1) return void cycles.push([...stack.slice(at), file]);
    if (done.has(file)) return;
    stack.push(file);
    for (const next of graph.get(file) ?? []) visit(next);
    stack.pop();
    done.add(file);
  };
  for (const file of [...graph.keys()].sort()) visit(file);
  return cycles;
}

function sourceGraph(): Map<string, string[]> {
  const files = readdirSync(src, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"));
  return new Map(files.map((file) => [file, relativeImports(file, readFileSync(join(src, file), "utf8"))]));
}

describe("src/ has no import cycles", () => {
  it("finds a cycle through a type-only import, and an `export … from`", () => {
    const graph = new Map<string, string[]>([
      ["a.ts", relativeImports("a.ts", 'import {\n  b,\n  type B,\n} from "./h/b.js";\n')],
      ["h/b.ts", relativeImports("h/b.ts", 'import type { A } from "../a.js";')],
      ["h/c.ts", relativeImports("h/c.ts", 'export { d } from "./d.js";\nimport x from "node:fs";')],
      ["h/d.ts", relativeImports("h/d.ts", 'import "./c.js";')],
      ["e.ts", relativeImports("e.ts", 'import { a } from "./a.js";')],
    ]);
    expect(findCycles(graph)).toEqual([
      ["a.ts", "h/b.ts", "a.ts"],
      ["h/c.ts", "h/d.ts", "h/c.ts"],
    ]);
  });

  it("reads every file's relative imports, and none of src/ makes a cycle", () => {
    const graph = sourceGraph();
    expect(graph.size).toBeGreaterThan(50);
    expect(graph.get("handlers/plan-reconcile.ts")).toContain("core/reconcile/plan-key-files.ts");
    const cycles = findCycles(graph).map((cycle) => cycle.join(" → "));
    expect(cycles).toEqual([]);
  });
});
