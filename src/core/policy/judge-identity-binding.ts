import * as openpgp from "openpgp";
import { error, warning, type Finding } from "../findings.js";
import { pubkeyPath } from "../tree/classify-path.js";

/** One entry of `GET /users/{login}/gpg_keys`, as much as the binding needs. */
export interface GithubGpgKey {
  readonly key_id: string;
  readonly raw_key?: string | null;
  readonly subkeys?: readonly { readonly key_id: string }[];
}

export interface IdentityBinding {
  readonly login: string;
  readonly fingerprint: string;
  /** How the key was found on the account: by full fingerprint (raw_key given), by key IDs only, or not at all. */
  readonly method: "fingerprint" | "key-id" | null;
}

/**
 * Is this key registered on the login's GitHub account? Full fingerprints are compared when GitHub
 * returns the raw key; otherwise the primary key ID and every subkey ID GitHub lists must match.
 */
export async function judgeIdentityBinding(
  login: string,
  key: openpgp.PublicKey,
  githubKeys: readonly GithubGpgKey[],
): Promise<IdentityBinding> {
  const fingerprint = key.getFingerprint().toUpperCase();
  const primaryId = key.getKeyID().toHex().toUpperCase();
  const subkeyIds = new Set(key.getSubkeys().map((s) => s.getKeyID().toHex().toUpperCase()));
  let keyIdMatch = false;
  for (const registered of githubKeys) {
    if (registered.raw_key) {
      try {
        const parsed = await openpgp.readKey({ armoredKey: registered.raw_key });
        if (parsed.getFingerprint().toUpperCase() === fingerprint)
          return { login, fingerprint, method: "fingerprint" };
      } catch {
        // an unreadable raw key proves nothing, and the key IDs beside it do not stand in for it
      }
      continue;
    }
    const subkeysMatch = (registered.subkeys ?? []).every((s) => subkeyIds.has(s.key_id.toUpperCase()));
    if (registered.key_id.toUpperCase() === primaryId && subkeysMatch) keyIdMatch = true;
  }
  return { login, fingerprint, method: keyIdMatch ? "key-id" : null };
}

/** Findings for a binding: unbound is an error when the config requires binding, else a warning. */
export function identityFindings(binding: IdentityBinding, required: boolean): Finding[] {
  const path = pubkeyPath(binding.login);
  if (binding.method === "fingerprint") return [];
  if (binding.method === "key-id") {
    return [
      warning(
        "identity.key-id-only",
        path,
        `key ${binding.fingerprint} matches ${binding.login}'s GitHub account by 64-bit key IDs only (GitHub returned no raw key)`,
      ),
    ];
  }
  const message = `key ${binding.fingerprint} is not registered on GitHub account ${binding.login}: add it under Settings → SSH and GPG keys`;
  return [
    required
      ? error("identity.not-registered", path, `${message} (identity.require_github_gpg_key is on)`)
      : warning("identity.not-registered", path, message),
  ];
}
