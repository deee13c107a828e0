import { evaluateChange, type ChangeEvaluation } from "../core/policy/evaluate-change.js";
import { describePendingActions, describeRenewal } from "../core/report/describe-change.js";
import { findingsJson, formatFindings, type Output } from "./print-findings.js";
import { CliError } from "./cli-error.js";
import { readGitTree } from "./read-git-tree.js";
import { runGit } from "./run-git.js";

export interface CheckOptions {
  readonly repo: string;
  readonly base: string;
  /** Whose config and keys judge the change (the bot: the default branch's tip); default `base`. */
  readonly authority?: string;
  readonly head: string;
  readonly author: string;
  readonly json: boolean;
  readonly now: Date;
}

/**
 * `kaws check`: the pull-request evaluation on local refs, no GitHub needed, as the bot makes it:
 * the change is what `head` did since its merge base with `base` (a pull request behind its base
 * brings nothing it did not do), judged by the config and keys of `authority` (default: `base`).
 */
export async function checkCommand(options: CheckOptions, out: Output): Promise<number> {
  const mergeBase = await mergeBaseOf(options.repo, options.base, options.head);
  const [base, head, authority] = await Promise.all([
    readGitTree(options.repo, mergeBase),
    readGitTree(options.repo, options.head),
    readGitTree(options.repo, options.authority ?? options.base),
  ]);
  const evaluation = await evaluateChange({
    base,
    head,
    authority,
    author: options.author,
    now: options.now,
  });
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
    requests: evaluation.requests.map(({ cluster, login, groups, signerFingerprint, csrSha256, renews }) => ({
      cluster,
      login,
      groups,
      signerFingerprint,
      csrSha256,
      renews:
        renews === null ? null : { serial: renews.serial, notAfter: renews.notAfter?.toISOString() ?? null },
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
    const renewal =
      request.renews === null ? "" : `; it ${describeRenewal(request.renews).replaceAll("`", "")}`;
    lines.push(
      `  ${request.login} asks for a certificate on ${request.cluster} (${groups}), key ${request.signerFingerprint ?? "unverified"}${renewal}${warning}`,
    );
  }
  for (const action of describePendingActions(evaluation.pending))
    lines.push(`  pending at merge: ${action}`);
  if (evaluation.kind !== "none")
    lines.push(`  approvals needed: ${evaluation.requiredApprovals} maintainer(s), not the author`);
  return lines.join("\n") + "\n";
}

/** Where `head` branched from `base`, as GitHub diffs a pull request. */
async function mergeBaseOf(repo: string, base: string, head: string): Promise<string> {
  for (const ref of [base, head]) if (ref.startsWith("-")) throw new CliError(`"${ref}" is not a git ref`);
  try {
    return (await runGit(repo, ["merge-base", base, head])).toString("utf8").trim();
  } catch {
    throw new CliError(`${base} and ${head} have no common history in ${repo}: no merge base to diff from`);
  }
}
