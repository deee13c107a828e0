import * as openpgp from "openpgp";
import { beforeAll, describe, expect, it } from "vitest";
import {
  identityFindings,
  judgeIdentityBinding,
  type GithubGpgKey,
} from "../../src/core/policy/judge-identity-binding.js";
import { identities, type Identities } from "../helpers/identities.js";

let ids: Identities;
let carol: openpgp.PublicKey;
let primaryId: string;
let subkeyId: string;

beforeAll(async () => {
  ids = identities();
  carol = await openpgp.readKey({ armoredKey: ids.carol.exportPublic().toString() });
  primaryId = carol.getKeyID().toHex().toUpperCase();
  subkeyId = carol.getSubkeys()[0]!.getKeyID().toHex().toUpperCase();
});

/** What `GET /users/carol/gpg_keys` lists for a key GitHub kept no raw copy of. */
const withoutRawKey = (keyId: string, subkeys: string[]): GithubGpgKey => ({
  key_id: keyId,
  raw_key: null,
  subkeys: subkeys.map((key_id) => ({ key_id })),
});

async function findingsFor(githubKeys: GithubGpgKey[], required = true) {
  const binding = await judgeIdentityBinding("carol", carol, githubKeys);
  return { binding, findings: identityFindings(binding, required) };
}

describe("identity binding when GitHub returns no raw key (raw_key: null)", () => {
  it("matches by the primary key ID and every listed subkey ID, and warns that only 64-bit IDs were compared", async () => {
    const { binding, findings } = await findingsFor([withoutRawKey(primaryId, [subkeyId])]);
    expect(binding).toEqual({ login: "carol", fingerprint: ids.carol.fingerprint, method: "key-id" });
    expect(findings).toEqual([
      {
        rule: "identity.key-id-only",
        severity: "warning",
        path: "pubkeys/carol.asc",
        message: `key ${ids.carol.fingerprint} matches carol's GitHub account by 64-bit key IDs only (GitHub returned no raw key)`,
      },
    ]);
  });

  it("compares key IDs whatever their case", async () => {
    const { binding } = await findingsFor([withoutRawKey(primaryId.toLowerCase(), [subkeyId.toLowerCase()])]);
    expect(binding.method).toBe("key-id");
  });

  it.each([
    ["another key's primary ID", () => withoutRawKey("0123456789ABCDEF", [subkeyId])],
    [
      "the right primary ID with a subkey this key does not have",
      () => withoutRawKey(primaryId, ["0123456789ABCDEF"]),
    ],
    ["the subkey's ID as the primary", () => withoutRawKey(subkeyId, [])],
  ])("is not registered when GitHub lists %s", async (_name, registered) => {
    const { binding, findings } = await findingsFor([registered()]);
    expect(binding.method).toBeNull();
    expect(findings).toEqual([
      {
        rule: "identity.not-registered",
        severity: "error",
        path: "pubkeys/carol.asc",
        message: `key ${ids.carol.fingerprint} is not registered on GitHub account carol: add it under Settings → SSH and GPG keys (identity.require_github_gpg_key is on)`,
      },
    ]);
  });

  it("is a warning, not an error, when identity.require_github_gpg_key is off", async () => {
    const { findings } = await findingsFor([withoutRawKey("0123456789ABCDEF", [])], false);
    expect(findings).toEqual([
      {
        rule: "identity.not-registered",
        severity: "warning",
        path: "pubkeys/carol.asc",
        message: `key ${ids.carol.fingerprint} is not registered on GitHub account carol: add it under Settings → SSH and GPG keys`,
      },
    ]);
  });
});

describe("identity binding when GitHub returns the raw key", () => {
  it("matches by full fingerprint, and says nothing", async () => {
    const registered = { key_id: primaryId, raw_key: ids.carol.exportPublic().toString(), subkeys: [] };
    const { binding, findings } = await findingsFor([registered]);
    expect(binding.method).toBe("fingerprint");
    expect(findings).toEqual([]);
  });

  it("prefers a raw key's fingerprint to key IDs: another key's raw key does not match, whatever IDs it claims", async () => {
    const registered = { key_id: primaryId, raw_key: ids.mallory.exportPublic().toString(), subkeys: [] };
    const { binding } = await findingsFor([registered]);
    expect(binding.method).toBeNull();
  });

  it("does not fall back to key IDs when the raw key does not parse", async () => {
    const registered = { key_id: primaryId, raw_key: "not a key", subkeys: [{ key_id: subkeyId }] };
    const { binding } = await findingsFor([registered]);
    expect(binding.method).toBeNull();
  });

  it("matches by fingerprint when one of several listed keys is this one", async () => {
    const { binding } = await findingsFor([
      withoutRawKey("0123456789ABCDEF", []),
      { key_id: primaryId, raw_key: ids.carol.exportPublic().toString(), subkeys: [] },
    ]);
    expect(binding.method).toBe("fingerprint");
  });
});
