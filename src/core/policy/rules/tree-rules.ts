import { error, type Finding } from "../../findings.js";
import { findSecretMaterial } from "../../openpgp/find-secret-material.js";
import { classifyPath } from "../../tree/classify-path.js";
import { GIT_MODE, type RepoTree } from "../../tree/repo-tree.js";
import { countAdminKeyFiles, maxManagedFileBytes } from "../repo-model.js";

const MODE_NAMES: Record<string, string> = {
  [GIT_MODE.symlink]: "a symbolic link",
  [GIT_MODE.submodule]: "a submodule",
  [GIT_MODE.executable]: "an executable file",
  [GIT_MODE.special]: "a socket, FIFO or device",
};

/** Invariants on the files themselves: regular blobs, known names, bounded sizes, and no private key anywhere. */
export function checkTreeFiles(tree: RepoTree): Finding[] {
  const findings: Finding[] = [];
  const adminKeyCount = countAdminKeyFiles(tree);
  for (const entry of tree.values()) {
    const managed = classifyPath(entry.path);
    if (managed !== null) {
      if (entry.badPathEncoding) {
        findings.push(error("tree.file-name", entry.path, "the file name is not valid UTF-8: rename it"));
      }
      if (entry.mode !== GIT_MODE.file) {
        const what = MODE_NAMES[entry.mode] ?? `git mode ${entry.mode}`;
        findings.push(
          error(
            "tree.file-mode",
            entry.path,
            `${what} is not allowed here: only regular files (mode 100644)`,
          ),
        );
      }
      const limit = maxManagedFileBytes(entry.path, adminKeyCount);
      if (entry.size > limit) {
        findings.push(
          error(
            "tree.file-size",
            entry.path,
            `the file is ${entry.size} bytes, over its limit of ${limit} bytes: it was not read`,
          ),
        );
      }
      if (managed.kind === "unexpected") {
        findings.push(
          error(
            "tree.unexpected-file",
            entry.path,
            `unexpected file: ${managed.reason}; remove or rename it`,
          ),
        );
      }
    }
    const blocks = entry.bytes !== undefined ? findSecretMaterial(entry.bytes) : (entry.secrets ?? []);
    for (const block of blocks) {
      findings.push(
        error(
          "secret.private-key",
          entry.path,
          `an unencrypted ${block.kind} block is committed (line ${block.line}): remove it from the history and rotate that key`,
        ),
      );
    }
  }
  return findings;
}
