import { error, type Finding } from "../../findings.js";
import { isHiddenRecipient, listRecipientKeyIds } from "../../openpgp/list-recipient-key-ids.js";
import type { TreeEntry } from "../../tree/repo-tree.js";
import { compareRecipients, type RecipientSet } from "../recipient-set.js";

export interface RecipientMismatch {
  readonly path: string;
  /** Key IDs that match no current recipient: a removed admin, or a stranger. */
  readonly extra: string[];
  /** Current recipients (by path) the message is not encrypted to. */
  readonly missing: string[];
}

/**
 * Invariant 3: a `*-key.pem.asc` is encrypted to exactly the current recipient set (every admin
 * key and the bot), judged from its session-key packets without decrypting: each recipient by the
 * encryption subkey its key would be encrypted to.
 */
export async function checkRecipients(
  entry: TreeEntry,
  recipients: RecipientSet,
): Promise<{ findings: Finding[]; mismatch: RecipientMismatch | null }> {
  const listed = await listRecipientKeyIds(entry.bytes as Uint8Array);
  if (!listed.ok) {
    return {
      findings: [
        error(
          "key-file.unreadable",
          entry.path,
          `not an encrypted OpenPGP message (${listed.detail}): regenerate it with the bot or \`kaws cluster reencrypt\``,
        ),
      ],
      mismatch: null,
    };
  }
  const findings: Finding[] = [];
  if (listed.passwordRecipients > 0) {
    findings.push(
      error(
        "key-file.password",
        entry.path,
        "the message can also be opened with a passphrase: re-encrypt it to keys only",
      ),
    );
  }
  if (listed.keyIds.some(isHiddenRecipient)) {
    findings.push(
      error(
        "key-file.hidden-recipient",
        entry.path,
        "the message has a hidden recipient (gpg --throw-keyids): its recipients cannot be checked",
      ),
    );
  }
  const compared = compareRecipients(recipients, listed.keyIds);
  const extra = compared.extra.filter((id) => !isHiddenRecipient(id));
  const missing = compared.missing.map((known) => known.path);
  if (extra.length === 0 && missing.length === 0) return { findings, mismatch: null };
  const parts: string[] = [];
  if (extra.length > 0)
    parts.push(
      `encrypted to key IDs that are not current recipients: ${extra.map((id) => id.toUpperCase()).join(", ")}`,
    );
  if (missing.length > 0) parts.push(`not encrypted to ${missing.join(", ")}`);
  findings.push(
    error(
      "key-file.recipients",
      entry.path,
      `${parts.join("; ")}: re-encrypt (\`/kaws reencrypt\` or \`kaws cluster reencrypt\`)`,
    ),
  );
  return { findings, mismatch: { path: entry.path, extra, missing } };
}
