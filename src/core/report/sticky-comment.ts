import type { Finding } from "../findings.js";
import type { ChangeEvaluation } from "../policy/evaluate-change.js";
import type { IdentityBinding } from "../policy/judge-identity-binding.js";
import type { ApprovalCount } from "../policy/count-approvals.js";
import { describeCodeChange, describePendingActions, describeRequest } from "./describe-change.js";

/** The hidden marker that finds the bot's one comment on a pull request. */
export const STICKY_MARKER = "<!-- kaws-bot:sticky -->";

/** The one PR comment, edited in place: who asks for what, whether it is valid, what happens next. */
export function renderStickyComment(input: {
  evaluation: ChangeEvaluation;
  findings: readonly Finding[];
  bindings: readonly IdentityBinding[];
  headSha: string;
  approvals: ApprovalCount;
}): string {
  const { evaluation, findings, approvals } = input;
  const errors = findings.filter((f) => f.severity === "error");
  const lines = [
    STICKY_MARKER,
    `### kaws: ${evaluation.codePaths.length > 0 ? "code change" : evaluation.kind === "privileged" ? "privileged change" : "access request"} by @${evaluation.author}`,
    "",
  ];
  if (evaluation.codePaths.length > 0) lines.push(`- ${describeCodeChange(evaluation.codePaths)}`);
  for (const request of evaluation.requests) lines.push(`- ${describeRequest(request, input.bindings)}`);
  for (const binding of input.bindings.filter((b) => !evaluation.requests.some((r) => r.login === b.login))) {
    lines.push(
      `- Key \`${binding.fingerprint}\` for @${binding.login}: ${binding.method === null ? "**not registered on their GitHub account**" : "registered on their GitHub account"}.`,
    );
  }
  if (evaluation.privilegedPaths.length > 0) {
    lines.push(
      `- Privileged change to ${evaluation.privilegedPaths.length} file(s): ${evaluation.privilegedPaths
        .slice(0, 10)
        .map((p) => `\`${p}\``)
        .join(", ")}${evaluation.privilegedPaths.length > 10 ? ", …" : ""}`,
    );
  }
  for (const action of describePendingActions(evaluation.pending))
    lines.push(`- When this merges, the bot will ${action}.`);
  const given =
    approvals.approvers.length > 0 ? ` (${approvals.approvers.map((a) => `@${a}`).join(", ")})` : "";
  lines.push(
    "",
    `**Approvals:** ${approvals.approvers.length} of ${approvals.required}${given} from maintainers (not the author, nor anyone this change gives access), for commit \`${input.headSha.slice(0, 12)}\`.`,
  );
  for (const { login, reason } of approvals.ignored)
    lines.push(`- @${login}'s approval does not count: ${reason}.`);
  lines.push("");
  if (errors.length > 0) {
    lines.push(
      `**Next step:** fix ${errors.length} error(s), then push; the check run \`kaws\` lists them on each file:`,
    );
    for (const f of errors.slice(0, 10)) lines.push(`- \`${f.path}\`: ${f.message}`);
    if (errors.length > 10) lines.push(`- …and ${errors.length - 10} more in the check run.`);
  } else if (approvals.satisfied) {
    lines.push(
      "**Next step:** merge. The bot then reconciles the default branch in one commit (and issues any certificate requested here).",
    );
  } else {
    lines.push(
      `**Next step:** a maintainer reviews this exact commit and approves (an Approve review, or a comment \`/kaws approve ${input.headSha}\`). A push after that needs a new approval.`,
    );
  }
  return `${lines.join("\n")}\n`;
}
