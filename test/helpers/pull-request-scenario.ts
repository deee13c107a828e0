import { expect } from "vitest";
import type { HardeningOptions } from "../../src/github/harden-client.js";
import type { BuiltRepo, Files } from "./build-repo.js";
import type { Identities } from "./identities.js";
import { makeCsr } from "./openssl.js";
import {
  commentPayload,
  pullRequestPayload,
  pushPayload,
  reviewPayload,
  startWebhookServer,
} from "./probot.js";
import { pullRequestFixture, registeredKey } from "./pull-request-fixture.js";

export interface ScenarioOptions {
  /** Who opens PR #7 (default erin). */
  readonly author?: string;
  /** What the PR adds or changes (default: erin's key — mallory's identity — and her signed CSR). */
  readonly files?: Files;
  readonly remove?: string[];
  /** The default branch before the PR (default: the built repository). */
  readonly baseFiles?: Files;
  readonly gpgKeys?: Parameters<typeof pullRequestFixture>[2];
  readonly teams?: Record<string, string[]>;
  /** How far the bot's clock is from GitHub's (negative: behind). */
  readonly botClockSkewMs?: number;
  /** Give the bot its secret key, to sign on merge. */
  readonly botKey?: boolean;
  /** The bot's GitHub request timeout and retries. */
  readonly github?: HardeningOptions;
}

const later = (a: Date, b: Date) => (a.getTime() > b.getTime() ? a : b);

/** erin's request: her key (made by the `mallory` identity) and a CSR for prod signed with it. */
export function erinRequest(ids: Identities, groups = "/O=developers"): Files {
  const { csr } = makeCsr(`/CN=erin${groups}`);
  return {
    "pubkeys/erin.asc": ids.mallory.exportPublic(),
    "clusters/prod/admins/erin.csr": csr,
    "clusters/prod/admins/erin.csr.asc": ids.mallory.detachSign(csr),
  };
}

/**
 * PR #7 on the fake GitHub, with the bot running behind a real webhook server: people review,
 * comment, edit and delete, push, and merge, each as GitHub would show and deliver it. GitHub's
 * clock is the scenario's; the bot's may be skewed from it.
 */
export async function pullRequestScenario(ids: Identities, built: BuiltRepo, options: ScenarioOptions = {}) {
  const author = options.author ?? "erin";
  const minutes = (n: number) => new Date(built.now.getTime() + n * 60_000);
  let clock = minutes(0);
  const change = { files: options.files ?? erinRequest(ids), remove: options.remove ?? [] };
  const fixture = pullRequestFixture(
    options.baseFiles ?? built.files,
    change,
    options.gpgKeys ?? { erin: [registeredKey(ids.mallory)] },
    options.teams ?? {},
    { now: () => clock },
  );
  const server = await startWebhookServer({
    now: () => new Date(clock.getTime() + (options.botClockSkewMs ?? 0)),
    ...(options.botKey ? { botKey: ids.bot.exportSecret() } : {}),
    ...(options.github ? { github: options.github } : {}),
  });
  let headSha = fixture.headSha;
  let pull = pullRequestPayload({ headSha, baseSha: fixture.baseSha, author });
  fixture.github.setPull(7, pull.pull_request);
  let delivery = 0;
  const deliver = async (event: string, payload: unknown, status = 200) =>
    expect(await server.deliver(event, payload, `d${++delivery}`)).toBe(status);
  const commentEvent = async (
    action: string,
    id: number,
    login: string,
    body: string,
    at: Date,
    extra = {},
  ) => deliver("issue_comment", commentPayload({ action, pull, id, login, body, at, ...extra }));

  return {
    ...fixture,
    minutes,
    server,
    get headSha() {
      return headSha;
    },
    /** GitHub's clock (and the bot's, give or take its skew) moves to `at`. */
    setClock: (at: Date) => (clock = at),
    deliver,
    /** The PR is opened (or reopened) and delivered at GitHub's time `at`. */
    open: async (at = minutes(0)) => {
      clock = at;
      await deliver("pull_request", pull);
    },
    review: async (
      login: string,
      state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED",
      at: Date,
      body = "",
    ) => {
      clock = at;
      const review = fixture.github.addReview(7, login, state, headSha, at, body);
      await deliver(
        "pull_request_review",
        reviewPayload({
          pull,
          reviewer: login,
          state: state.toLowerCase(),
          commitId: headSha,
          at,
          body,
          id: review.id,
        }),
      );
      return review;
    },
    /** A comment GitHub stamps `at` (delivered now: the clock never goes back). */
    comment: async (login: string, body: string, at: Date) => {
      clock = later(clock, at);
      const comment = fixture.github.addComment(7, login, body, at);
      await commentEvent("created", comment.id, login, body, at);
      return comment;
    },
    /** Someone with write access edits a comment (anyone's) at `at`. */
    editComment: async (
      comment: { id: number; body: string; created_at: string; updated_at: string; user: { login: string } },
      body: string,
      at: Date,
    ) => {
      clock = at;
      const from = comment.body;
      comment.body = body;
      comment.updated_at = at.toISOString();
      await commentEvent("edited", comment.id, comment.user.login, body, new Date(comment.created_at), {
        editedAt: at,
        from,
      });
    },
    deleteComment: async (
      comment: { id: number; body: string; created_at: string; user: { login: string } },
      at: Date,
    ) => {
      clock = at;
      fixture.github.comments.splice(fixture.github.comments.indexOf(comment as never), 1);
      await commentEvent(
        "deleted",
        comment.id,
        comment.user.login,
        comment.body,
        new Date(comment.created_at),
      );
    },
    /** `by` (default the author) pushes `files` on top of the head at `at` (a force-push when `force`). */
    push: async (
      at: Date,
      files: Files = { "README.md": `pushed at ${at.toISOString()}` },
      force = false,
      by = author,
    ) => {
      clock = at;
      const before = headSha;
      const current = fixture.repo.required(headSha);
      const headFiles = Object.fromEntries(
        [...current.files].map(([p, f]) => [p, fixture.repo.blobs.get(f.oid)!]),
      );
      headSha = fixture.repo.commit(
        { ...headFiles, ...files },
        {},
        force ? [fixture.baseSha] : [current.sha],
      );
      if (force) {
        fixture.github.addIssueEvent(7, "head_ref_force_pushed", at);
        clock = new Date(at.getTime() + 1000); // GitHub records the push, then delivers it
      }
      pull = pullRequestPayload({
        action: "synchronize",
        headSha,
        baseSha: fixture.baseSha,
        author,
        before,
        sender: by,
      });
      fixture.github.setPull(7, pull.pull_request);
      await deliver("pull_request", pull);
      return headSha;
    },
    /** The author force-pushes the head back to an older commit at `at`. */
    forcePushTo: async (sha: string, at: Date) => {
      const before = headSha;
      headSha = sha;
      fixture.github.addIssueEvent(7, "head_ref_force_pushed", at);
      clock = new Date(at.getTime() + 1000); // GitHub records the push, then delivers it
      pull = pullRequestPayload({ action: "synchronize", headSha, baseSha: fixture.baseSha, author, before });
      fixture.github.setPull(7, pull.pull_request);
      await deliver("pull_request", pull);
    },
    /** GitHub squash-merges the head into main at `at` (whatever the check says) and delivers the push. */
    merge: async (at: Date) => {
      clock = at;
      const main = fixture.github.refs.get("heads/main")!;
      const head = fixture.repo.required(headSha);
      const files = Object.fromEntries([...head.files].map(([p, f]) => [p, fixture.repo.blobs.get(f.oid)!]));
      const squash = fixture.repo.commit(files, {}, [main], "Merge (#7)");
      fixture.github.refs.set("heads/main", squash);
      fixture.github.setCommitPulls(squash, [
        {
          number: 7,
          merged_at: at.toISOString(),
          base: { ref: "main", sha: fixture.baseSha },
          head: { sha: headSha },
          user: { login: author },
          html_url: pull.pull_request.html_url,
        },
      ]);
      const changed = fixture.repo.diff(main, squash).map((f) => f.filename);
      await deliver(
        "push",
        pushPayload({ pull, before: main, after: squash, commits: [{ id: squash, modified: changed }] }),
      );
      return squash;
    },
    /** A writer pushes straight to main (no pull request) and GitHub delivers the push. */
    pushToMain: async (at: Date, files: Files, remove: string[] = []) => {
      clock = at;
      const main = fixture.github.refs.get("heads/main")!;
      const current = fixture.repo.required(main);
      const tree = Object.fromEntries(
        [...current.files].map(([p, f]) => [p, fixture.repo.blobs.get(f.oid)!]),
      );
      for (const path of remove) delete tree[path];
      const sha = fixture.repo.commit({ ...tree, ...files }, {}, [main], "direct push");
      fixture.github.refs.set("heads/main", sha);
      const changed = fixture.repo.diff(main, sha).map((f) => f.filename);
      await deliver(
        "push",
        pushPayload({ pull, before: main, after: sha, commits: [{ id: sha, modified: changed }] }),
      );
      return sha;
    },
    /** The bot's latest own `kaws` check run on the current head. */
    verdict: () => fixture.github.checkRuns.filter((r) => r.head_sha === headSha && r.app.id === 123).at(-1),
    sticky: () =>
      fixture.github.comments.find(
        (c) => c.user.login === "kaws-bot[bot]" && c.body.startsWith("<!-- kaws-bot:sticky -->"),
      )?.body ?? "",
    replies: () =>
      fixture.github.comments.filter((c) => c.body.startsWith("<!-- kaws-bot:reply-to")).map((c) => c.body),
    /** Files the bot committed to main, by path. */
    mainFiles: () => fixture.repo.required(fixture.github.refs.get("heads/main")!).files,
    botCommits: () => [...fixture.repo.commits.values()].filter((c) => c.message.startsWith("kaws: ")),
    stop: () => server.stop(),
  };
}
