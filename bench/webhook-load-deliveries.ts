import type { createFakeGitHubApi } from "../test/helpers/fake-github-api.js";
import { commentPayload, pullRequestPayload, reviewPayload } from "../test/helpers/probot.js";
import type { LoadPullRequest } from "./webhook-load-pulls.js";

type FakeGitHubApi = ReturnType<typeof createFakeGitHubApi>;
type PullPayload = ReturnType<typeof pullRequestPayload>;

/** A delivery of the load, made just before it is sent: what GitHub records first (a review, a comment) is recorded then. */
export interface LoadDelivery {
  readonly id: string;
  readonly pull: number;
  readonly make: (github: FakeGitHubApi) => { event: string; payload: unknown };
}

type Step = (github: FakeGitHubApi, pull: PullPayload, at: Date) => { event: string; payload: unknown };

const comment =
  (who: string | "author", body: string): Step =>
  (github, pull, at) => {
    const login = who === "author" ? pull.pull_request.user.login : who;
    const { id } = github.addComment(pull.number, login, body, at);
    return { event: "issue_comment", payload: commentPayload({ pull, id, login, body, at }) };
  };

const review =
  (reviewer: string, state: "APPROVED" | "COMMENTED", body = ""): Step =>
  (github, pull, at) => {
    const commitId = pull.pull_request.head.sha;
    const { id } = github.addReview(pull.number, reviewer, state, commitId, at, body);
    const payload = reviewPayload({ pull, reviewer, state: state.toLowerCase(), commitId, body, at, id });
    return { event: "pull_request_review", payload };
  };

/** A reviewer's latest review changed on GitHub (edited or dismissed), and its delivery. */
const changeReview =
  (reviewer: string, action: "edited" | "dismissed"): Step =>
  (github, pull) => {
    const latest = [...github.reviews]
      .reverse()
      .find((r) => r.pull === pull.number && r.user.login === reviewer)!;
    if (action === "edited") latest.body = `${latest.body} (edited)`;
    else latest.state = "DISMISSED";
    const payload = reviewPayload({
      action,
      pull,
      reviewer,
      state: latest.state.toLowerCase(),
      commitId: latest.commit_id,
      body: latest.body,
      at: new Date(latest.submitted_at),
      id: latest.id,
    });
    return { event: "pull_request_review", payload };
  };

/** Closed by mistake and reopened: GitHub records both on the PR's timeline. */
const reopened: Step = (github, pull, at) => {
  github.addIssueEvent(pull.number, "closed", new Date(at.getTime() - 1000));
  github.addIssueEvent(pull.number, "reopened", at);
  return { event: "pull_request", payload: { ...pull, action: "reopened" } };
};

/**
 * A pull request's life after it is opened: talk (no work for the bot), reviews, a reopen, an
 * edited and a dismissed review. Eight of its ten deliveries ask for an evaluation.
 */
const LIFE: Step[] = [
  comment("admin001", "Looking at it."),
  review("admin000", "COMMENTED", "Which rota is this for?"),
  comment("author", "The on-call rota of the next cluster."),
  review("admin000", "APPROVED"),
  reopened,
  review("admin001", "APPROVED"),
  changeReview("admin001", "edited"),
  review("admin002", "APPROVED"),
  changeReview("admin000", "dismissed"),
];

/**
 * `total` deliveries over the pull requests, each opened first, then living (the life repeats when
 * a PR gets more than ten deliveries), in rounds over all PRs so that each PR's deliveries come in
 * order but spread out. Each delivery carries its PR's installation and its own delivery id.
 */
export function loadDeliveries(
  pulls: readonly LoadPullRequest[],
  baseSha: string,
  total: number,
  installationOf: (index: number) => number,
  tag: string,
): LoadDelivery[] {
  const payloads = pulls.map((pull, index) => {
    const payload = pullRequestPayload({ ...pull, baseSha });
    payload.installation = { ...payload.installation, id: installationOf(index) };
    return payload;
  });
  const deliveries: LoadDelivery[] = [];
  for (let round = 0; deliveries.length < total; round++) {
    for (const payload of payloads) {
      if (deliveries.length === total) break;
      const step: Step =
        round === 0 ? () => ({ event: "pull_request", payload }) : LIFE[(round - 1) % LIFE.length]!;
      deliveries.push({
        id: `${tag}-${payload.number}-${round}`,
        pull: payload.number,
        make: (github) => step(github, payload, new Date()),
      });
    }
  }
  return deliveries;
}
