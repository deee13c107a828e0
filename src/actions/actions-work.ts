/** The webhook events whose handlers a run in GitHub Actions feeds, by their webhook name. */
export type DeliveryName = "pull_request" | "issue_comment" | "push";

/** What one run of the bot in GitHub Actions does, from the event that started it. */
export type ActionsWork =
  /** Hand the event to the app's handler for this webhook, as a delivery. */
  | { readonly kind: "delivery"; readonly name: DeliveryName }
  /** Reconcile the repository's default branch once (the periodic sweep of one repository). */
  | { readonly kind: "reconcile" }
  /** A review relayed by `workflow_run`: judge again the open pull requests at this head. */
  | { readonly kind: "judge-head"; readonly headSha: string }
  | { readonly kind: "ignore"; readonly reason: string };

/** An event the workflow should never start the bot with (a mistake in the workflow, not in GitHub). */
export class UnknownActionsEventError extends Error {
  constructor(eventName: string) {
    super(
      `kaws-bot does not handle "${eventName}" events: .github/workflows/kaws.yml starts it on ` +
        "pull_request_target, issue_comment, push, schedule, workflow_dispatch and workflow_run" +
        (PULL_REQUEST_COPY.includes(eventName)
          ? `; a ${eventName} run uses the pull request's own copy of the workflow, so it must never ` +
            "hold the bot's secrets (reviews are relayed by .github/workflows/kaws-review.yml)"
          : ""),
    );
    this.name = "UnknownActionsEventError";
  }
}

/** Events whose runs take the workflow from the pull request's merge commit, not the default branch. */
const PULL_REQUEST_COPY = ["pull_request", "pull_request_review", "pull_request_review_comment"];

const SHA = /^[0-9a-f]{40}$/;

/**
 * The work for an Actions event. `pull_request_target` is a `pull_request` delivery (the same
 * payload, run from the default branch's workflow and code). A review reaches the bot only relayed through
 * `workflow_run` — a `pull_request_review` run uses the pull request's own copy of the workflow,
 * so it must never hold the bot's secrets — and the relay carries nothing the bot believes: it
 * only says which head to judge again, from GitHub's API.
 */
export function actionsWorkOf(eventName: string, payload: Record<string, unknown>): ActionsWork {
  switch (eventName) {
    case "pull_request_target":
      return { kind: "delivery", name: "pull_request" };
    case "issue_comment":
    case "push":
      return { kind: "delivery", name: eventName };
    case "schedule":
    case "workflow_dispatch":
      return { kind: "reconcile" };
    case "workflow_run":
      return relayedReview(payload);
    default:
      throw new UnknownActionsEventError(eventName);
  }
}

function relayedReview(payload: Record<string, unknown>): ActionsWork {
  const run = payload.workflow_run as { event?: unknown; head_sha?: unknown } | undefined;
  if (run?.event !== "pull_request_review")
    return { kind: "ignore", reason: `a workflow run for a ${String(run?.event)} event relays no review` };
  if (typeof run.head_sha !== "string" || !SHA.test(run.head_sha))
    return { kind: "ignore", reason: "the relayed review's run names no head commit" };
  return { kind: "judge-head", headSha: run.head_sha };
}
