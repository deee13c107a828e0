import { beforeAll } from "vitest";
import type { Finding } from "../../src/core/findings.js";
import { buildRepo, type BuiltRepo } from "./build-repo.js";
import { identities, type Identities } from "./identities.js";

/** A correct repository and the identities, rebuilt for each security test file. */
export function useRepo(): { ids: () => Identities; repo: () => BuiltRepo } {
  let ids: Identities;
  let repo: BuiltRepo;
  beforeAll(async () => {
    ids = identities();
    repo = await buildRepo(ids);
  });
  return { ids: () => ids, repo: () => repo };
}

export function errorsOf(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.severity === "error");
}
