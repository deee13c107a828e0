import type * as openpgp from "openpgp";
import type { KawsConfig } from "../config/kaws-config.js";
import type { PublicKeyCache } from "../openpgp/public-key-cache.js";
import { hasErrors, sortFindings, warning, type Finding } from "../findings.js";
import {
  changesRecipients,
  codeChangeFindings,
  isOwnRenewal,
  isRequestPath,
  keysRemovedWithFiles,
  pendingReencryption,
  reclassify,
  type PendingAction,
} from "./change-rules.js";
import type { RepoTree } from "../tree/repo-tree.js";
import { beneficiariesOf } from "./beneficiaries-of.js";
import { diffCodePaths, diffManagedPaths, type PathChange } from "./diff-trees.js";
import { loadAuthority } from "./load-authority.js";
import { renewedCertificate, type RenewedCertificate } from "./renewed-certificate.js";
import { requiredApprovals } from "./required-approvals.js";
import { PRIVILEGED_GROUPS } from "./rules/csr-rules.js";
import { verifyTree, type CsrSummary } from "./verify-tree.js";

/** What a pull request asks for: a certificate for `login` on `cluster`, with these groups. */
export interface AccessRequest extends CsrSummary {
  readonly privilegedGroups: string[];
  /** The certificate this request renews (the change removes it), or null for a first request. */
  readonly renews: RenewedCertificate | null;
}

export type { PendingAction, RenewedCertificate };

/** A key added or replaced by the change: to bind to its owner's GitHub account. */
export interface ChangedKey {
  readonly login: string;
  readonly fingerprint: string;
  readonly key: openpgp.PublicKey;
}

export interface ChangeEvaluation {
  readonly ok: boolean;
  /**
   * "request": only the author's own key and CSRs; "privileged": anything else managed, or code that
   * runs with the bot's key; "none": neither a managed file nor code changed.
   */
  readonly kind: "none" | "request" | "privileged";
  readonly author: string;
  readonly findings: Finding[];
  readonly changes: PathChange[];
  readonly privilegedPaths: string[];
  /** Logins whose own key or admin files the change adds or changes: they never approve it. */
  readonly beneficiaries: string[];
  /** Code that runs with the bot's key (`isCodePath`) changed by this change: kaws cannot judge it, maintainers must. */
  readonly codePaths: string[];
  readonly requests: AccessRequest[];
  readonly pending: PendingAction[];
  readonly requiredApprovals: number;
  /** Fingerprints of keys new or changed in this change, by login: to bind to GitHub accounts. */
  readonly changedKeys: ChangedKey[];
  /** The configuration the change was judged by: the default branch's. */
  readonly config: KawsConfig;
}

export interface EvaluateChangeInput {
  /** Where the change starts (the merge base of a pull request). */
  readonly base: RepoTree;
  readonly head: RepoTree;
  /** The default branch: its config and keys judge the change. Defaults to `base`. */
  readonly authority?: RepoTree;
  readonly author: string;
  readonly now: Date;
  /** Parsed keys shared across evaluations (the bot's). */
  readonly keyCache?: PublicKeyCache;
}

/**
 * The pull-request evaluation of DESIGN section 4 as a pure function of the base tree, the head
 * tree and the author: every invariant on the head, judged by the base's config and keys, plus the
 * change rules (request vs privileged), with what the reconciler will do shown as pending.
 */
export async function evaluateChange(input: EvaluateChangeInput): Promise<ChangeEvaluation> {
  const author = input.author.toLowerCase();
  const changes = diffManagedPaths(input.base, input.head);
  const codeChanges = diffCodePaths(input.base, input.head);
  const authority = await loadAuthority(input.authority ?? input.base, input.now, input.keyCache);
  const head = await verifyTree(input.head, { now: input.now, authority, keyCache: input.keyCache });
  const changed = new Map(changes.map((c) => [c.path, c.change]));

  const findings: Finding[] = [];
  // The base's own config decides; if it is broken, nothing can be judged safely.
  for (const f of authority.findings)
    if (f.rule.startsWith("config.") && f.severity === "error")
      findings.push({ ...f, message: `on the default branch: ${f.message}` });
  const pending: PendingAction[] = [];
  const recipientsChange = changesRecipients(changes);
  for (const finding of head.findings) {
    // An unchanged broken config is already reported above, as the default branch's.
    if (finding.rule === "config.invalid" && !authority.configValid && !changed.has(finding.path)) continue;
    const kept = reclassify(finding, changed, recipientsChange, pending);
    if (kept !== null) findings.push(kept);
  }
  if (recipientsChange) {
    const reencryption = pendingReencryption(input.head, changes);
    findings.push(...reencryption.findings);
    pending.push(...reencryption.pending);
  }

  const privilegedPaths: string[] = [];
  for (const change of changes) {
    if (isRequestPath(change, author) || isOwnRenewal(change, author, changes)) continue;
    privilegedPaths.push(change.path);
    findings.push(
      warning(
        "change.privileged",
        change.path,
        `${change.change} by ${author}: a privileged change, which needs maintainer approval`,
      ),
    );
  }
  findings.push(...codeChangeFindings(codeChanges, author));
  findings.push(...keysRemovedWithFiles(input.head, changes));
  if (changed.has(".github/kaws.yml")) {
    findings.push(
      warning(
        "config.changed",
        ".github/kaws.yml",
        "the new configuration is validated here but obeyed only once it is on the default branch",
      ),
    );
  }

  const changedKeys: ChangedKey[] = [];
  for (const [login, known] of head.admins) {
    const path = `pubkeys/${login}.asc`;
    if (!changed.has(path)) continue;
    changedKeys.push({ login, fingerprint: known.fingerprint, key: known.key });
    const before = authority.admins.get(login);
    findings.push(
      before === undefined
        ? warning(
            "pubkey.new",
            path,
            `new key ${known.fingerprint} for ${login}: confirm the fingerprint with them out of band`,
          )
        : warning(
            "pubkey.replaced",
            path,
            `replaces key ${before.fingerprint} with ${known.fingerprint}: CSRs are checked against the old key until this merges`,
          ),
    );
  }
  for (const [login] of authority.admins) {
    if (!head.admins.has(login) && changed.get(`pubkeys/${login}.asc`) === "removed")
      pending.push({ kind: "rotation-advised", login });
  }

  const requests: AccessRequest[] = head.csrs
    .filter((csr) => changed.has(csr.path) || changed.has(`${csr.path}.asc`))
    .map((csr) => ({
      ...csr,
      privilegedGroups: csr.groups.filter((g) => PRIVILEGED_GROUPS.has(g)),
      renews: renewedCertificate(input.base, changes, csr, input.now),
    }));
  for (const request of requests) {
    if (!request.hasCertificate)
      pending.push({ kind: "issue-certificate", cluster: request.cluster, login: request.login });
  }

  const sorted = sortFindings(findings);
  return {
    ok: !hasErrors(sorted),
    kind:
      changes.length === 0 && codeChanges.length === 0
        ? "none"
        : privilegedPaths.length > 0 || codeChanges.length > 0
          ? "privileged"
          : "request",
    author,
    findings: sorted,
    changes,
    privilegedPaths,
    beneficiaries: beneficiariesOf(changes),
    codePaths: codeChanges.map((c) => c.path),
    requests,
    pending,
    requiredApprovals: requiredApprovals(
      authority.config,
      requests.flatMap((r) => r.groups),
    ),
    changedKeys,
    config: authority.config,
  };
}
