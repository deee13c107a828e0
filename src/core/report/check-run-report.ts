import type { Finding } from "../findings.js";
import type { ChangeEvaluation } from "../policy/evaluate-change.js";
import type { ApprovalCount } from "../policy/count-approvals.js";
import type { IdentityBinding } from "../policy/judge-identity-binding.js";
import { renderApprovalRecord, type ApprovalRecord } from "./approval-record.js";
import { describeCodeChange, describePendingActions, describeRequest } from "./describe-change.js";

/** GitHub's limits: a check run summary is at most 65,535 characters; annotations go 50 per request. */
export const SUMMARY_LIMIT = 65_535;
export const ANNOTATIONS_PER_REQUEST = 50;

export interface CheckRunReport {
  /** failure: an error finding; action_required: valid, awaiting approval (not passing); success: nothing to approve. */
  readonly conclusion: "failure" | "action_required" | "success";
  readonly title: string;
  readonly summary: string;
  readonly annotations: CheckAnnotation[];
}

export interface CheckAnnotation {
  readonly path: string;
  readonly start_line: number;
  readonly end_line: number;
  readonly annotation_level: "failure" | "warning";
  readonly title: string;
  readonly message: string;
}

/** The `kaws` check run for one head commit, from the evaluation of the change. */
export function renderCheckRun(input: {
  evaluation: ChangeEvaluation;
  findings: readonly Finding[];
  bindings: readonly IdentityBinding[];
  headSha: string;
  headPaths: ReadonlySet<string>;
  approvals: ApprovalCount;
  /** What the bot saw (cancels, edits, pushers), recorded where only this app can write. */
  record?: ApprovalRecord;
}): CheckRunReport {
  const { evaluation, findings, approvals } = input;
  const errors = findings.filter((f) => f.severity === "error").length;
  const conclusion =
    errors > 0
      ? "failure"
      : evaluation.kind === "none" || approvals.satisfied
        ? "success"
        : "action_required";
  const title =
    conclusion === "failure"
      ? `${errors} error${errors === 1 ? "" : "s"}: fix before approval`
      : evaluation.kind === "none"
        ? "No kaws-managed file changed"
        : conclusion === "success"
          ? `Approved by ${approvals.approvers.map((a) => `@${a}`).join(", ")}: ${approvedOutcome(evaluation)}`
          : `${evaluation.codePaths.length > 0 ? "Changes code that runs with the bot's key" : "Valid"}: awaiting ${approvals.required - approvals.approvers.length} more maintainer approval${approvals.required - approvals.approvers.length === 1 ? "" : "s"} (${approvals.approvers.length} of ${approvals.required})`;
  const lines = [
    `${input.record ? renderApprovalRecord(input.record) : ""}Commit \`${input.headSha.slice(0, 12)}\`, ${evaluation.kind} change by @${evaluation.author}.`,
    "",
  ];
  if (evaluation.codePaths.length > 0) lines.push(`- ${describeCodeChange(evaluation.codePaths)}`);
  for (const request of evaluation.requests) lines.push(`- ${describeRequest(request, input.bindings)}`);
  for (const action of describePendingActions(evaluation.pending))
    lines.push(`- Pending at merge: ${action}`);
  if (evaluation.kind !== "none") {
    const given =
      approvals.approvers.length > 0 ? `: ${approvals.approvers.map((a) => `@${a}`).join(", ")}` : "";
    lines.push(
      "",
      `Approvals: ${approvals.approvers.length} of ${approvals.required} distinct maintainer(s), not the author, for this exact commit${given}.`,
    );
  }
  const table =
    findings.length === 0
      ? ["", "No findings."]
      : ["", "| | file | rule | message |", "| --- | --- | --- | --- |"];
  const rows = findings.map(
    (f) =>
      `| ${f.severity === "error" ? "❌" : "⚠️"} | \`${cell(f.path)}\` | \`${f.rule}\` | ${cell(f.message)} |`,
  );
  return {
    conclusion,
    title,
    summary: capSummary([...lines, ...table].join("\n"), rows),
    annotations: annotationsFor(findings, input.headPaths),
  };
}

/** What an approved change leads to, for the title. */
function approvedOutcome(evaluation: ChangeEvaluation): string {
  if (evaluation.requests.some((r) => !r.hasCertificate))
    return "the certificate will be issued when this merges";
  if (evaluation.changes.length === 0) return "the code change may merge";
  return "the bot reconciles the default branch when this merges";
}

/** Add table rows while they fit, then say how many were left out. */
function capSummary(head: string, rows: string[]): string {
  let summary = head;
  for (const [index, row] of rows.entries()) {
    const note = `\n\n…and ${rows.length - index} more finding(s) not shown: run \`npx kaws check\` locally to see them all.`;
    if (summary.length + row.length + 1 + note.length > SUMMARY_LIMIT) return summary + note;
    summary += `\n${row}`;
  }
  return summary;
}

/** One annotation per finding on a file that exists at the head (GitHub cannot annotate others). */
function annotationsFor(findings: readonly Finding[], headPaths: ReadonlySet<string>): CheckAnnotation[] {
  return findings
    .filter((f) => headPaths.has(f.path))
    .map((f) => ({
      path: f.path,
      start_line: 1,
      end_line: 1,
      annotation_level: f.severity === "error" ? "failure" : "warning",
      title: f.rule,
      message: f.message,
    }));
}

function cell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}
