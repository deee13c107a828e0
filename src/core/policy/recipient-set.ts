import { allKeyIds } from "../openpgp/public-key-facts.js";
import type { KnownKey } from "./rules/pubkey-rules.js";

/** The keys every cluster private key must be encrypted to, indexed by each of their (sub)key IDs. */
export interface RecipientSet {
  readonly keys: readonly KnownKey[];
  readonly ownerOfKeyId: ReadonlyMap<string, KnownKey>;
}

export function recipientSet(keys: readonly KnownKey[]): RecipientSet {
  const ownerOfKeyId = new Map<string, KnownKey>();
  for (const known of keys) for (const id of allKeyIds(known.key)) ownerOfKeyId.set(id, known);
  return { keys, ownerOfKeyId };
}
