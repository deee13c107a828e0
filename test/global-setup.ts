import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import type { TestProject } from "vitest/node";
import { makeGpgIdentity } from "./helpers/gpg.js";
import { IDENTITY_SPECS } from "./helpers/identity-specs.js";

/** Make every test identity with the real gpg, once per run, in a temp dir; nothing is committed. */
export default function setup(project: TestProject) {
  const root = mkdtempSync(join(tmpdir(), "kaws-ids-"));
  const manifest: Record<string, { home: string; fingerprint: string }> = {};
  for (const [name, spec] of Object.entries(IDENTITY_SPECS)) {
    const id = makeGpgIdentity(root, name, spec);
    manifest[name] = { home: id.home, fingerprint: id.fingerprint };
  }
  writeFileSync(join(root, "identities.json"), JSON.stringify(manifest));
  project.provide("identitiesRoot", root);
  return () => {
    for (const id of Object.values(manifest))
      spawnSync("gpgconf", ["--homedir", id.home, "--kill", "gpg-agent"]);
    rmSync(root, { recursive: true, force: true });
  };
}
