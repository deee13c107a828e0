import type * as openpgp from "openpgp";

/** A public key file of the tree, read and judged (an admin's, or the bot's when `login` is null). */
export interface KnownKey {
  readonly path: string;
  readonly login: string | null;
  readonly key: openpgp.PublicKey;
  readonly fingerprint: string;
  /** Lower-case hex ID of the (sub)key messages to this key are encrypted to; null when it has none. */
  readonly encryptionKeyId: string | null;
  /** True when the key passed every check (usable for verifying and as a recipient). */
  readonly sound: boolean;
}
