import { error, type Finding } from "../../findings.js";
import type { KnownKey } from "../known-key.js";

/** One primary key or subkey of a key file, by both of its names. */
interface KeyPart {
  readonly owner: KnownKey;
  readonly role: "primary key" | "subkey";
  readonly fingerprint: string;
  readonly keyId: string;
}

interface Clash {
  readonly first: KeyPart;
  readonly second: KeyPart;
}

const FIX =
  "a key and each of its subkeys belong to one person: commit only your own key (`gpg --armor --export FPR`)";

/**
 * DESIGN 4.1 "Keys are one person each": no primary key or subkey is in two files of `pubkeys/`, or
 * in one of them and the bot's key, by fingerprint or by key ID. Anyone can bind another person's
 * public encryption subkey to their own primary key (a binding signature is the primary's alone),
 * and messages name recipients by key ID only: such a file would have cluster keys encrypted to its
 * victim under the attacker's name, and keep them readable by the victim once removed. Both admin
 * files of a clash are disputed, since either may be the impostor; the bot's key never is (the bot
 * holds its secret), so the admin file that shares it is.
 */
export function checkKeysAreOnePersonEach(
  admins: readonly KnownKey[],
  bot: KnownKey | null,
): { findings: Finding[]; disputed: Set<KnownKey> } {
  const findings: Finding[] = [];
  const disputed = new Set<KnownKey>();
  for (const { first, second } of findClashes([...admins, ...(bot ? [bot] : [])])) {
    findings.push(clashFinding(first, second));
    disputed.add(first.owner);
    if (second.owner === bot) continue;
    findings.push(clashFinding(second, first));
    disputed.add(second.owner);
  }
  return { findings, disputed };
}

/** The first clash of each pair of files, in one pass over every (sub)key's two names. */
function findClashes(keys: readonly KnownKey[]): Clash[] {
  const seen = new Map<string, KeyPart>();
  const clashes = new Map<string, Clash>();
  for (const part of keys.flatMap(partsOf)) {
    for (const name of [`fingerprint ${part.fingerprint}`, `key ID ${part.keyId}`]) {
      const first = seen.get(name);
      if (first === undefined) seen.set(name, part);
      else if (first.owner !== part.owner) {
        const pair = `${first.owner.path}\u0000${part.owner.path}`;
        if (!clashes.has(pair)) clashes.set(pair, { first, second: part });
      }
    }
  }
  return [...clashes.values()];
}

function partsOf(owner: KnownKey): KeyPart[] {
  const name = (key: { getFingerprint(): string; getKeyID(): { toHex(): string } }) => ({
    fingerprint: key.getFingerprint().toUpperCase(),
    keyId: key.getKeyID().toHex().toUpperCase(),
  });
  return [
    { owner, role: "primary key", ...name(owner.key) },
    ...owner.key.getSubkeys().map((subkey) => ({ owner, role: "subkey" as const, ...name(subkey) })),
  ];
}

/** The clash seen from `mine`'s file, naming the other file. */
function clashFinding(mine: KeyPart, theirs: KeyPart): Finding {
  const where = theirs.owner.path;
  if (mine.role === "primary key" && theirs.role === "primary key" && mine.fingerprint === theirs.fingerprint)
    return error(
      "pubkey.duplicate-fingerprint",
      mine.owner.path,
      `key ${mine.fingerprint} is also in ${where}: one key per person`,
    );
  const what =
    mine.fingerprint === theirs.fingerprint
      ? `the ${mine.role} ${mine.fingerprint} (key ID ${mine.keyId}) is also the ${theirs.role} of the key in ${where}`
      : `the ${mine.role} ${mine.fingerprint} has key ID ${mine.keyId}, like the ${theirs.role} ${theirs.fingerprint} in ${where}`;
  return error("pubkey.duplicate-key-id", mine.owner.path, `${what}: ${FIX}`);
}
