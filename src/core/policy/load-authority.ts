import type { KawsConfig } from "../config/kaws-config.js";
import type { Finding } from "../findings.js";
import type { PublicKeyCache } from "../openpgp/public-key-cache.js";
import type { RepoTree } from "../tree/repo-tree.js";
import { buildRepoModel } from "./repo-model.js";
import { checkConfig } from "./rules/config-rules.js";
import type { KnownKey } from "./known-key.js";
import { checkPublicKeys } from "./rules/pubkey-rules.js";

export interface Authority {
  readonly config: KawsConfig;
  readonly configValid: boolean;
  readonly admins: ReadonlyMap<string, KnownKey>;
  readonly bot: KnownKey | null;
  /** Problems of the default branch's own config and keys. */
  readonly findings: Finding[];
}

/**
 * What a pull request is judged by: the default branch's `.github/kaws.yml` and `pubkeys/`. A PR
 * never supplies its own authority, so it cannot make its author a maintainer or swap a key.
 */
export async function loadAuthority(
  base: RepoTree,
  now: Date,
  keyCache?: PublicKeyCache,
): Promise<Authority> {
  const model = buildRepoModel(base);
  const config = checkConfig(model.config);
  const keys = await checkPublicKeys(model.pubkeys, model.botKey, false, {
    now,
    minRsaBits: config.config.keys.min_rsa_bits,
    keyCache,
  });
  return {
    config: config.config,
    configValid: config.valid,
    admins: keys.admins,
    bot: keys.bot,
    findings: [...config.findings, ...keys.findings],
  };
}
