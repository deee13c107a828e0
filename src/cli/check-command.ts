import { evaluateChange, type ChangeEvaluation } from "../core/policy/evaluate-change.js";
import { describePendingActions } from "../core/report/describe-change.js";
import { findingsJson, formatFindings, type Output } from "./print-findings.js";
import { readGitTree } from "./read-git-tree.js";

export interface CheckOptions {
  readonly repo: string;
  readonly base: string;
  readonly head: string;
  readonly author: string;
  readonly json: boolean;
  readonly now: Date;
}

/** `kaws check`: the pull-request evaluation on two local refs, no GitHub needed. */
export async function checkCommand(options: CheckOptions, out: Output): Promise<number> {
  const [base, head] = await Promise.all([
    readGitTree(options.repo, options.base),
    readGitTree(options.repo, options.head),
  ]);
  const evaluation = await evaluateChange({ base, head, author: options.author, now: options.now });
  if (options.json) {
    out.write(findingsJson(evaluation.findings, { change: changeSummary(evaluation) }));
  } else {
    out.write(describeChange(evaluation));
    out.write(formatFindings(evaluation.findings, out.isTTY === true));
  }
  return evaluation.ok ? 0 : 1;
}

function changeSummary(evaluation: ChangeEvaluation) {
  return {
    kind: evaluation.kind,
    author: evaluation.author,
    requiredApprovals: evaluation.requiredApprovals,
    codePaths: evaluation.codePaths,
    requests: evaluation.requests.map(({ cluster, login, groups, signerFingerprint, csrSha256 }) => ({
      cluster,
      login,
      groups,
      signerFingerprint,
      csrSha256,
    })),
    pending: evaluation.pending,
  };
}

function describeChange(evaluation: ChangeEvaluation): string {
  const lines = [
    `${evaluation.kind} change by ${evaluation.author} (${evaluation.changes.length} managed file(s))`,
  ];
  if (evaluation.codePaths.length > 0)
    lines.push(
      `  WARNING: changes code that runs with the bot's key (${evaluation.codePaths.join(", ")}): a maintainer must review the code itself`,
    );
  for (const request of evaluation.requests) {
    const groups = request.groups.length > 0 ? request.groups.join(", ") : "no groups";
    const warning =
      request.privilegedGroups.length > 0
        ? `  WARNING: ${request.privilegedGroups.join(", ")} gives full control of the cluster`
        : "";
    lines.push(
      `  ${request.login} asks for a certificate on ${request.cluster} (${groups}), key ${request.signerFingerprint ?? "unverified"}${warning}`,
    );
  }
  for (const action of describePendingActions(evaluation.pending))
    lines.push(`  pending at merge: ${action}`);
  if (evaluation.kind !== "none")
    lines.push(`  approvals needed: ${evaluation.requiredApprovals} maintainer(s), not the author`);
  return lines.join("\n") + "\n";
}
