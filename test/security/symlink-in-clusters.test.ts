import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { readGitTree } from "../../src/cli/read-git-tree.js";
import { readWorkingTree } from "../../src/cli/read-working-tree.js";
import { verifyTree } from "../../src/core/policy/verify-tree.js";
import { commitFiles } from "../helpers/build-repo.js";
import { useRepo } from "../helpers/use-repo.js";

const { repo } = useRepo();
const dir = mkdtempSync(join(tmpdir(), "kaws-symlink-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("does not follow a symlink committed under clusters/, from git or from the working tree", async () => {
  commitFiles(dir, repo().files);
  symlinkSync("../../../../etc/passwd", join(dir, "clusters/prod/admins/mallory.pem"));
  commitFiles(dir, {}, "add a link");
  for (const tree of [await readGitTree(dir, "HEAD"), await readWorkingTree(dir)]) {
    expect(tree.get("clusters/prod/admins/mallory.pem")?.mode).toBe("120000");
    const { findings } = await verifyTree(tree, { now: repo().now });
    expect(findings).toContainEqual(
      expect.objectContaining({
        rule: "tree.file-mode",
        path: "clusters/prod/admins/mallory.pem",
        severity: "error",
      }),
    );
    expect(findings.some((f) => f.message.includes("root:"))).toBe(false);
  }
});
