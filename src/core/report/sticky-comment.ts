import type { Finding } from "../findings.js";
import type { ChangeEvaluation } from "../policy/evaluate-change.js";
import type { IdentityBinding } from "../policy/judge-identity-binding.js";
import { describePendingActions, describeRequest } from "./describe-change.js";

/** The hidden marker that finds the bot's one comment on a pull request. */
export const STICKY_MARKER = "<!-- kaws-bot:sticky -->";

/** The one PR comment, edited in place: who asks for what, whether it is valid, what happens next. */
export function renderStickyComment(input: {
  evaluation: ChangeEvaluation;
  findings: readonly Finding[];
  bindings: readonly IdentityBinding[];
  headSha: string;
}): string {
  const { evaluation, findings } = input;
  const errors = findings.filter((f) => f.severity === "error");
  const lines = [
    STICKY_MARKER,
    `### kaws: ${evaluation.kind === "privileged" ? "privileged change" : "access request"} by @${evaluation.author}`,
    "",
  ];
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
  lines.push(
    "",
    `**Approvals:** 0 of ${evaluation.requiredApprovals} from maintainers (not the author), for commit \`${input.headSha.slice(0, 12)}\`.`,
    "",
  );
  if (errors.length > 0) {
    lines.push(
      `**Next step:** fix ${errors.length} error(s), then push; the check run \`kaws\` lists them on each file:`,
    );
    for (const f of errors.slice(0, 10)) lines.push(`- \`${f.path}\`: ${f.message}`);
    if (errors.length > 10) lines.push(`- …and ${errors.length - 10} more in the check run.`);
  } else {
    lines.push(
      "**Next step:** a maintainer reviews this exact commit and approves (a PR review, or a `/kaws approve` comment). A push after that needs a new approval.",
    );
  }
  return lines.join("\n") + "\n";
}
