/**
 * Every rule id a finding may carry, with its severity: the one list that `docs/rules.md` is held to
 * (test/unit/rules-registry.test.ts) and that the finding constructors accept, so a misspelt id, or
 * `error()` for a rule documented as a warning, fails `tsc`. Ids are stable: scripts and dashboards
 * depend on them; messages may change. "either" is an error or a warning as its summary says.
 */
export const RULES = {
  // Files (invariants 2 and 7)
  "tree.file-mode": { severity: "error", summary: "a symlink, submodule or executable in a managed folder" },
  "tree.file-size": { severity: "error", summary: "a managed file over its size limit, not parsed" },
  "tree.file-name": { severity: "error", summary: "a managed file name that is not UTF-8" },
  "tree.unexpected-file": { severity: "error", summary: "a managed path that fits no shape of the layout" },
  "secret.private-key": { severity: "error", summary: "a private key in any file of the repository" },
  "secret.not-scanned": {
    severity: "warning",
    summary: "a changed file too large, or one too many, to scan",
  },

  // Configuration
  "config.invalid": { severity: "error", summary: ".github/kaws.yml is not UTF-8 YAML or breaks the schema" },
  "config.missing": { severity: "warning", summary: "no .github/kaws.yml: defaults apply" },
  "config.no-maintainers": { severity: "warning", summary: "nobody can approve" },
  "config.group-approvals": { severity: "warning", summary: "group_approvals names a group not allowed" },
  "config.changed": { severity: "warning", summary: "the change edits the config: obeyed once merged" },
  "cluster.spec.invalid": { severity: "error", summary: "cluster.yml breaks its schema" },
  "cluster.spec.missing": { severity: "error", summary: "a cluster folder without cluster.yml" },

  // OpenPGP keys (invariant 1)
  "pubkey.secret-material": { severity: "error", summary: "the file holds a secret key" },
  "pubkey.multiple-keys": { severity: "error", summary: "more than one key in the file" },
  "pubkey.unreadable": { severity: "error", summary: "not an OpenPGP key, or the wrong armor" },
  "pubkey.expired": { severity: "error", summary: "the primary key has expired" },
  "pubkey.revoked": { severity: "error", summary: "the primary key is revoked" },
  "pubkey.invalid": { severity: "error", summary: "the key's self-signatures do not verify" },
  "pubkey.no-encryption-key": { severity: "error", summary: "no usable encryption subkey" },
  "pubkey.no-signing-key": { severity: "error", summary: "no usable signing key" },
  "pubkey.weak-algorithm": { severity: "error", summary: "a (sub)key below the algorithm minimums" },
  "pubkey.duplicate-fingerprint": { severity: "error", summary: "the same key in two files, or the bot's" },
  "pubkey.duplicate-key-id": { severity: "error", summary: "a (sub)key ID shared with another file" },
  "pubkey.not-armored": { severity: "warning", summary: "a binary key: commit the armored form" },
  "pubkey.new": { severity: "warning", summary: "a key new in the change: confirm its fingerprint" },
  "pubkey.replaced": { severity: "warning", summary: "a key replaced in the change" },
  "pubkey.removed-with-files": { severity: "error", summary: "a key removed while its owner's files stay" },
  "bot-key.missing": { severity: "either", summary: "no bot key: an error once a cluster holds keys" },
  "bot-key.secret-material": { severity: "error", summary: "pubkey.secret-material, for the bot's key" },
  "bot-key.multiple-keys": { severity: "error", summary: "pubkey.multiple-keys, for the bot's key" },
  "bot-key.unreadable": { severity: "error", summary: "pubkey.unreadable, for the bot's key" },
  "bot-key.expired": { severity: "error", summary: "pubkey.expired, for the bot's key" },
  "bot-key.revoked": { severity: "error", summary: "pubkey.revoked, for the bot's key" },
  "bot-key.invalid": { severity: "error", summary: "pubkey.invalid, for the bot's key" },
  "bot-key.no-encryption-key": { severity: "error", summary: "pubkey.no-encryption-key, for the bot's key" },
  "bot-key.no-signing-key": { severity: "error", summary: "pubkey.no-signing-key, for the bot's key" },
  "bot-key.weak-algorithm": { severity: "error", summary: "pubkey.weak-algorithm, for the bot's key" },
  "bot-key.not-armored": { severity: "warning", summary: "pubkey.not-armored, for the bot's key" },

  // Encrypted key files (invariant 3)
  "key-file.unreadable": { severity: "error", summary: "not an encrypted OpenPGP message" },
  "key-file.recipients": { severity: "error", summary: "recipients are not exactly the admins + the bot" },
  "key-file.password": { severity: "error", summary: "a passphrase can open it too" },
  "key-file.hidden-recipient": { severity: "error", summary: "hidden recipients cannot be checked" },
  "key-file.recipients.pending": { severity: "warning", summary: "re-encrypted by the bot at merge" },
  "key-file.recipients.unreconciled": {
    severity: "warning",
    summary: "the default branch is not reconciled",
  },

  // CSRs (invariants 4 and 5)
  "csr.unreadable": { severity: "error", summary: "not exactly one PEM CSR, or it does not parse" },
  "csr.self-signature": { severity: "error", summary: "the CSR's own signature does not verify" },
  "csr.subject": { severity: "error", summary: "CN is not the login of the path" },
  "csr.subject.ignored": { severity: "warning", summary: "subject attributes other than CN and O" },
  "csr.group.not-allowed": { severity: "error", summary: "an O value not in allowed_groups" },
  "csr.group.privileged": { severity: "warning", summary: "system:masters requested" },
  "csr.weak-key": { severity: "error", summary: "a key below the CSR minimums" },
  "csr.extensions.ignored": { severity: "warning", summary: "requested extensions, never copied" },
  "csr.ca-requested": { severity: "error", summary: "the CSR asks for CA:true" },
  "csr.missing": { severity: "error", summary: "a .csr.asc without its .csr" },
  "csr.signature.missing": { severity: "error", summary: "no .csr.asc" },
  "csr.signature.no-key": { severity: "error", summary: "no usable key to check the signature with" },
  "csr.signature.unreadable": { severity: "error", summary: "not one OpenPGP detached signature" },
  "csr.signature.wrong-signer": { severity: "error", summary: "signed by another key" },
  "csr.signature.bad": { severity: "error", summary: "does not verify over the CSR's exact bytes" },
  "csr.signature.key-invalid": {
    severity: "error",
    summary: "the signer's key is expired, revoked or unsound",
  },
  "csr.signature.new-key": { severity: "warning", summary: "verified with a key new in the change" },
  "csr.certificate.pending": { severity: "warning", summary: "no certificate yet: issued after merge" },
  "cluster.pki.unreconciled": { severity: "warning", summary: "a cluster on the default branch has no PKI" },

  // Certificates (invariant 6)
  "admin-cert.orphan": { severity: "error", summary: "a certificate without its CSR" },
  "admin-cert.unreadable": { severity: "error", summary: "not exactly one PEM certificate" },
  "admin-cert.chain": { severity: "error", summary: "not signed by the cluster's CA" },
  "admin-cert.key-mismatch": { severity: "error", summary: "not the public key of the CSR beside it" },
  "admin-cert.subject": { severity: "error", summary: "CN or groups differ from the CSR's" },
  "admin-cert.profile": { severity: "error", summary: "not the fixed client profile" },
  "admin-cert.validity": { severity: "error", summary: "valid longer than admin_cert_days" },
  "admin-cert.not-yet-valid": { severity: "error", summary: "notBefore in the future" },
  "admin-cert.expired": { severity: "warning", summary: "expired: renew it" },
  "cluster.pki.missing": { severity: "error", summary: "cluster.yml without any PKI" },
  "cluster.pki.pending": { severity: "warning", summary: "PKI generated by the bot at merge" },
  "cluster.pki.incomplete": { severity: "error", summary: "some of the six PKI files are missing" },
  "ca.unreadable": { severity: "error", summary: "ca.pem does not parse" },
  "ca.profile": { severity: "error", summary: "ca.pem is not a self-signed CA with SKI" },
  "ca.expired": { severity: "error", summary: "ca.pem has expired" },
  "ca.expires-soon": { severity: "warning", summary: "ca.pem expires within 30 days" },
  "master-cert.unreadable": { severity: "error", summary: "master.pem does not parse" },
  "master-cert.chain": { severity: "error", summary: "master.pem is not signed by the CA" },
  "master-cert.profile": { severity: "error", summary: "master.pem is a CA or lacks serverAuth" },
  "master-cert.expired": { severity: "error", summary: "master.pem has expired" },
  "master-cert.sans": { severity: "error", summary: "master.pem SANs differ from cluster.yml" },
  "master-cert.expires-soon": { severity: "warning", summary: "master.pem expires within 30 days" },
  "node-cert.unreadable": { severity: "error", summary: "node.pem does not parse" },
  "node-cert.chain": { severity: "error", summary: "node.pem is not signed by the CA" },
  "node-cert.profile": { severity: "error", summary: "node.pem is a CA or lacks clientAuth" },
  "node-cert.expired": { severity: "error", summary: "node.pem has expired" },
  "node-cert.expires-soon": { severity: "warning", summary: "node.pem expires within 30 days" },

  // Change rules (kaws check, the bot on pull requests)
  "change.privileged": { severity: "warning", summary: "a path outside the author's own request" },
  "change.code": { severity: "warning", summary: "a change to code that runs with the bot's key" },

  // Identity (the bot on pull requests)
  "identity.not-registered": { severity: "either", summary: "the key is not on its owner's GitHub account" },
  "identity.key-id-only": { severity: "warning", summary: "matched on GitHub by 64-bit key IDs only" },

  // kaws report
  "report.unreadable": { severity: "error", summary: "a file the report cannot read: run kaws verify" },
} as const satisfies Record<string, { severity: "error" | "warning" | "either"; summary: string }>;

export type RuleId = keyof typeof RULES;

/** Rules a finding may carry as an error. */
export type ErrorRuleId = {
  [K in RuleId]: (typeof RULES)[K]["severity"] extends "warning" ? never : K;
}[RuleId];

/** Rules a finding may carry as a warning. */
export type WarningRuleId = {
  [K in RuleId]: (typeof RULES)[K]["severity"] extends "error" ? never : K;
}[RuleId];
