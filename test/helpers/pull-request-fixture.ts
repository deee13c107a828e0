import type { Files } from "./build-repo.js";
import { fakeGitHub } from "./fake-github.js";
import { FakeRepo } from "./fake-repo.js";
import type { GpgHome } from "./gpg.js";

/** A key as `GET /users/{login}/gpg_keys` lists it, with its raw key. */
export function registeredKey(id: GpgHome) {
  return { key_id: id.fingerprint.slice(-16), raw_key: id.exportPublic().toString(), subkeys: [] };
}

/**
 * A repository whose default branch holds `baseFiles`, a pull request on top of it (files changed,
 * removed, odd modes), and the fake GitHub serving both.
 */
export function pullRequestFixture(
  baseFiles: Files,
  change: { files?: Files; remove?: string[]; modes?: Record<string, string> },
  gpgKeys: Record<string, ReturnType<typeof registeredKey>[]> = {},
  teams: Record<string, string[]> = {},
  extra: { protectedBranch?: boolean; workflows?: string[]; now?: () => Date } = {},
) {
  const repo = new FakeRepo();
  const baseSha = repo.commit(baseFiles);
  const headFiles: Files = { ...baseFiles, ...change.files };
  for (const path of change.remove ?? []) delete headFiles[path];
  const headSha = repo.commit(headFiles, change.modes);
  const github = fakeGitHub({ repo, defaultSha: baseSha, mergeBaseSha: baseSha, gpgKeys, teams, ...extra });
  return { repo, baseSha, headSha, github };
}
