import type { KnownKey } from "./known-key.js";

/** The keys every cluster private key must be encrypted to, indexed by the key ID each is reached by. */
export interface RecipientSet {
  readonly keys: readonly KnownKey[];
  /**
   * Each recipient by the ID of the encryption (sub)key a message to it is made for. Any other key
   * ID of a key (its primary, an unused subkey, a subkey bound without the owner's say) reaches
   * nobody it stands for, so it settles nothing.
   */
  readonly byEncryptionKeyId: ReadonlyMap<string, readonly KnownKey[]>;
}

export function recipientSet(keys: readonly KnownKey[]): RecipientSet {
  const byEncryptionKeyId = new Map<string, KnownKey[]>();
  for (const known of keys) {
    if (known.encryptionKeyId === null) continue;
    byEncryptionKeyId.set(known.encryptionKeyId, [
      ...(byEncryptionKeyId.get(known.encryptionKeyId) ?? []),
      known,
    ]);
  }
  return { keys, byEncryptionKeyId };
}

/**
 * A message's recipient key IDs against the set: the IDs that reach no recipient (hidden ones
 * included: nobody can tell who they are) and the recipients no ID reaches.
 */
export function compareRecipients(
  recipients: RecipientSet,
  keyIds: readonly string[],
): { extra: string[]; missing: KnownKey[] } {
  const reached = new Set(keyIds.flatMap((id) => recipients.byEncryptionKeyId.get(id) ?? []));
  return {
    extra: keyIds.filter((id) => !recipients.byEncryptionKeyId.has(id)),
    missing: recipients.keys.filter((known) => !reached.has(known)),
  };
}
