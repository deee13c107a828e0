import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { RULES, type RuleId } from "../../src/core/rules-registry.js";

const ROOT = join(import.meta.dirname, "..", "..");
const THIS_FILE = relative(ROOT, import.meta.filename);
const SEVERITY_COLUMN = { error: "E", warning: "W", either: "E/W" } as const;
const RULE_ID = /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+$/;

/** Each id in the first column of docs/rules.md's tables headed "id", with the severity column. */
function documentedRules(markdown: string): { id: string; severity: string }[] {
  const rules: { id: string; severity: string }[] = [];
  let inIdTable = false;
  for (const line of markdown.split("\n")) {
    if (!line.startsWith("|")) {
      inIdTable = false;
      continue;
    }
    const [first = "", severity = ""] = line
      .split("|")
      .slice(1)
      .map((cell) => cell.trim());
    if (first === "id") inIdTable = true;
    if (!inIdTable || first === "id" || /^-+$/.test(first)) continue;
    for (const [, id] of first.matchAll(/`([^`]+)`/g)) rules.push({ id: id!, severity });
  }
  return rules;
}

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith(".test.ts") ? [relative(ROOT, path)] : [];
  });
}

describe("the rule registry", () => {
  const documented = documentedRules(readFileSync(join(ROOT, "docs/rules.md"), "utf8"));
  const registered = Object.keys(RULES) as RuleId[];

  it("is what docs/rules.md lists: the same ids, each once, with the same severity", () => {
    expect(documented.length).toBeGreaterThan(50);
    for (const { id } of documented) expect(id, "an id in docs/rules.md").toMatch(RULE_ID);
    expect(documented.map((rule) => rule.id).sort()).toEqual([...registered].sort());
    expect(Object.fromEntries(documented.map((rule) => [rule.id, rule.severity]))).toEqual(
      Object.fromEntries(registered.map((id) => [id, SEVERITY_COLUMN[RULES[id].severity]])),
    );
  });

  it("has every id asserted by a test: a finding nobody checks can change unseen", () => {
    const sources = testFiles(join(ROOT, "test"))
      .filter((path) => path !== THIS_FILE)
      .map((path) => readFileSync(join(ROOT, path), "utf8"));
    const untested = registered.filter((id) => !sources.some((source) => source.includes(`"${id}"`)));
    expect(untested).toEqual([]);
  });
});
