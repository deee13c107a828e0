import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const root = new URL("../../", import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), "utf8");

/** Every EC2 action the code can call: its SDK commands and paginators, and tagging on create. */
function actionsInCode(): string[] {
  const actions = new Set<string>();
  for (const file of readdirSync(new URL("src/aws/", root))) {
    const source = read(`src/aws/${file}`);
    for (const match of source.matchAll(/\bnew ([A-Z]\w+)Command\(/g)) actions.add(`ec2:${match[1]}`);
    for (const match of source.matchAll(/\bpaginate([A-Z]\w+)\(/g)) actions.add(`ec2:${match[1]}`);
    if (source.includes("TagSpecifications")) actions.add("ec2:CreateTags");
  }
  return [...actions].sort();
}

describe("docs/aws.md", () => {
  it("lists exactly the EC2 actions kaws calls", () => {
    const blocks = [...read("docs/aws.md").matchAll(/```json\n([\s\S]*?)```/g)].map(
      (m) => JSON.parse(m[1]!) as { Statement: { Sid?: string; Action: string | string[] }[] },
    );
    const permissions = blocks.find((policy) => policy.Statement.some((s) => s.Sid === "Read"))!;
    const documented = new Set(permissions.Statement.flatMap((s) => s.Action));
    expect([...documented].sort()).toEqual(actionsInCode());
    expect(actionsInCode()).toContain("ec2:RunInstances");
  });
});
