import nock from "nock";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CLUSTER_YML, type Files } from "../helpers/build-repo.js";
import { commentPayload, pullRequestPayload, pushPayload, startWebhookServer } from "../helpers/probot.js";
import { pullRequestFixture } from "../helpers/pull-request-fixture.js";
import { useRepo } from "../helpers/use-repo.js";

const { ids, repo: built } = useRepo();
afterEach(() => nock.cleanAll());

/** A `kaws/provision/prod` success status on a commit, as `login` wrote it (the app is `kaws-bot[bot]`). */
function provisionedStatus(sha: string, login: string) {
  return {
    sha,
    context: "kaws/provision/prod",
    state: "success",
    description: "provisioning prod dispatched",
    creator: { login, type: login.endsWith("[bot]") ? "Bot" : "User" },
    created_at: new Date().toISOString(),
  } as never;
}

async function pushChange(
  change: { files?: Files; remove?: string[] },
  deliveries = 1,
  before?: (f: ReturnType<typeof pullRequestFixture>, head: string) => void,
) {
  const fixture = pullRequestFixture(built().files, {});
  const merged: Files = { ...built().files, ...change.files };
  for (const path of change.remove ?? []) delete merged[path];
  const head = fixture.repo.commit(merged, {}, [fixture.baseSha], "merged change");
  fixture.github.refs.set("heads/main", head);
  before?.(fixture, head);
  const server = await startWebhookServer({ now: () => new Date(), botKey: ids().bot.exportSecret() });
  const pull = pullRequestPayload({ headSha: head, baseSha: fixture.baseSha });
  const touched = [...Object.keys(change.files ?? {}), ...(change.remove ?? [])];
  const push = pushPayload({
    pull,
    before: fixture.baseSha,
    after: head,
    commits: [{ id: head, modified: touched }],
  });
  try {
    for (let i = 0; i < deliveries; i++) expect(await server.deliver("push", push, `p${i}`)).toBe(200);
  } finally {
    await server.stop();
  }
  return { ...fixture, head };
}

describe("dispatching provisioning", () => {
  it("dispatches once for a new cluster, at the bot's commit, and never twice for it", async () => {
    const f = await pushChange({ files: { "clusters/staging/cluster.yml": CLUSTER_YML } }, 2);
    const botCommit = f.github.refs.get("heads/main")!;
    expect(f.repo.required(botCommit).message).toMatch(/^kaws: generate the PKI of staging/);
    expect(f.github.dispatches).toEqual([
      { workflow: "provision.yml", ref: "main", inputs: { cluster: "staging", ref: botCommit } },
    ]);
    expect(f.github.statuses).toEqual([
      expect.objectContaining({ sha: botCommit, context: "kaws/provision/staging", state: "pending" }),
    ]);
  });

  it("does not dispatch when only key files were re-encrypted: the machines' PKI did not change", async () => {
    const f = await pushChange({ remove: ["pubkeys/bob.asc"] });
    expect(f.repo.required(f.github.refs.get("heads/main")!).message).toMatch(/^kaws: re-encrypt 3 keys/);
    expect(f.github.dispatches).toEqual([]);
  });

  it("dispatches although a writer posted a look-alike status saying it ran: only the app's own statuses count", async () => {
    const f = await pushChange(
      { files: { "clusters/prod/cluster.yml": CLUSTER_YML.replace("count: 3}\nnodes", "count: 5}\nnodes") } },
      1,
      (fixture, head) => fixture.github.statuses.push(provisionedStatus(head, "mallory")),
    );
    expect(f.github.dispatches.map((d) => d.inputs)).toEqual([{ cluster: "prod", ref: f.head }]);
  });

  it("dispatches although GitHub refuses every issue (issues turned off): reminders never stand in its way", async () => {
    const f = await pushChange(
      { files: { "clusters/prod/cluster.yml": CLUSTER_YML.replace("count: 3}\nnodes", "count: 5}\nnodes") } },
      1,
      (fixture) => {
        for (let i = 0; i < 8; i++)
          fixture.github.failNext("POST", /\/issues$/, 410, "Issues are disabled for this repo");
      },
    );
    expect(f.github.dispatches.map((d) => d.inputs)).toEqual([{ cluster: "prod", ref: f.head }]);
    expect(f.github.issues).toEqual([]);
  });

  it("dispatches when cluster.yml changes", async () => {
    const f = await pushChange({
      files: { "clusters/prod/cluster.yml": CLUSTER_YML.replace("count: 3}\nnodes", "count: 5}\nnodes") },
    });
    expect(f.github.dispatches.map((d) => d.inputs)).toEqual([{ cluster: "prod", ref: f.head }]);
  });
});

describe("/kaws provision", () => {
  async function comment(login: string, body: string, options: { workflows?: string[] } = {}) {
    const fixture = pullRequestFixture(built().files, {}, {}, {}, { workflows: options.workflows });
    const server = await startWebhookServer({ now: () => new Date(), botKey: ids().bot.exportSecret() });
    const pull = pullRequestPayload({ headSha: fixture.baseSha, baseSha: fixture.baseSha });
    const send = async (id: number) => {
      fixture.github.addComment(44, login, body, new Date());
      const payload = commentPayload({ pull, id, login, body, at: new Date() });
      const issue: Record<string, unknown> = { ...payload.issue, number: 44 };
      delete issue.pull_request;
      expect(await server.deliver("issue_comment", { ...payload, issue }, `c${id}`)).toBe(200);
    };
    return {
      fixture,
      server,
      send,
      replies: () => fixture.github.comments.filter((c) => c.user.type === "Bot").map((c) => c.body),
    };
  }

  it("dispatches for a maintainer at the default branch's head, once per commit", async () => {
    const c = await comment("dave", "/kaws provision prod");
    try {
      await c.send(200);
      await c.send(201);
      expect(c.fixture.github.dispatches).toEqual([
        { workflow: "provision.yml", ref: "main", inputs: { cluster: "prod", ref: c.fixture.baseSha } },
      ]);
      expect(c.replies()).toEqual([
        expect.stringContaining(
          `dispatched \`provision.yml\` for **prod** at \`${c.fixture.baseSha.slice(0, 12)}\``,
        ),
        expect.stringContaining("was already dispatched (its run is pending); nothing done twice"),
      ]);
    } finally {
      await c.server.stop();
    }
  });

  it("dispatches again only after the workflow reported a failure", async () => {
    const c = await comment("dave", "/kaws provision prod");
    const report = (state: string) =>
      c.fixture.github.statuses.push({
        sha: c.fixture.baseSha,
        context: "kaws/provision/prod",
        state,
        description: `provisioning ${state}`,
      });
    try {
      await c.send(210);
      report("failure");
      await c.send(211);
      report("success");
      await c.send(212);
      expect(c.fixture.github.dispatches).toHaveLength(2);
      expect(c.replies().slice(1)).toEqual([
        expect.stringContaining(
          `the last provisioning of **prod** at \`${c.fixture.baseSha.slice(0, 12)}\` failed: dispatched \`provision.yml\` again.`,
        ),
        expect.stringContaining("was already dispatched (the workflow reported success); nothing done twice"),
      ]);
    } finally {
      await c.server.stop();
    }
  });

  it("says what to fix when the workflow is missing, and records the error on the commit", async () => {
    const c = await comment("dave", "/kaws provision prod", { workflows: [] });
    try {
      await c.send(300);
      expect(c.replies()[0]).toContain(".github/workflows/provision.yml is missing on main");
      // the status is written before the dispatch (a replica never dispatches twice), then the error
      expect(c.fixture.github.statuses).toEqual([
        expect.objectContaining({ context: "kaws/provision/prod", state: "pending" }),
        expect.objectContaining({ context: "kaws/provision/prod", state: "error" }),
      ]);
    } finally {
      await c.server.stop();
    }
  });

  it("refuses a non-maintainer", async () => {
    const c = await comment("mallory", "/kaws provision prod");
    try {
      await c.send(400);
      expect(c.replies()[0]).toContain("`/kaws` commands are for the maintainers");
      expect(c.fixture.github.dispatches).toEqual([]);
    } finally {
      await c.server.stop();
    }
  });

  it("says when there is no such cluster", async () => {
    const d = await comment("dave", "/kaws provision nowhere");
    try {
      await d.send(401);
      expect(d.replies()[0]).toContain("there is no cluster `nowhere` on the default branch");
      expect(d.fixture.github.dispatches).toEqual([]);
    } finally {
      await d.server.stop();
    }
  });
});

describe("a cluster change whose push no process saw", () => {
  /** `cluster.yml` of prod changed on main, made `age` ago; the push never delivered; the sweep runs. */
  async function sweepAfterLostPush(
    age: number,
    meanwhile?: (f: ReturnType<typeof pullRequestFixture>) => void,
  ) {
    const fixture = pullRequestFixture(built().files, {});
    const merged = {
      ...built().files,
      "clusters/prod/cluster.yml": CLUSTER_YML.replace("count: 3}\nnodes", "count: 5}\nnodes"),
    };
    const change = fixture.repo.commit(merged, {}, [fixture.baseSha], "merged change");
    const later = fixture.repo.commit({ ...merged, "README.md": "notes\n" }, {}, [change], "docs");
    fixture.github.refs.set("heads/main", later);
    fixture.github.setCommitDate(change, new Date(Date.now() - age));
    meanwhile?.(fixture);
    const server = await startWebhookServer({
      now: () => new Date(),
      botKey: ids().bot.exportSecret(),
      sweepEveryMs: 100,
    });
    return { ...fixture, server, change, later };
  }
  const sweeps = async (server: Awaited<ReturnType<typeof startWebhookServer>>, count: number) => {
    const ran = () => server.logs.filter((l) => l.msg === "sweep: reconciling every default branch").length;
    const target = ran() + count;
    await vi.waitFor(() => expect(ran()).toBeGreaterThanOrEqual(target), { timeout: 10_000, interval: 20 });
    await server.work.idle();
  };

  it("is provisioned at the next sweep, at the head, once", async () => {
    const f = await sweepAfterLostPush(3_600_000);
    try {
      await sweeps(f.server, 4);
      expect(f.github.dispatches).toEqual([
        { workflow: "provision.yml", ref: "main", inputs: { cluster: "prod", ref: f.later } },
      ]);
      expect(f.server.logs.map((l) => l.msg)).toContain("provisioning a change no dispatch answered");
    } finally {
      await f.server.stop();
    }
  });

  it("is left alone when the app's dispatch answered it, on its commit or on one after", async () => {
    for (const on of ["change", "later"] as const) {
      const f = await sweepAfterLostPush(3_600_000, (fixture) =>
        fixture.github.statuses.push(
          provisionedStatus(
            on === "change"
              ? fixture.repo.required(fixture.github.refs.get("heads/main")!).parents[0]!
              : fixture.github.refs.get("heads/main")!,
            "kaws-bot[bot]",
          ),
        ),
      );
      try {
        await sweeps(f.server, 2);
        expect(f.github.dispatches).toEqual([]);
      } finally {
        await f.server.stop();
      }
    }
  });

  it("is provisioned although a writer's look-alike status says it ran", async () => {
    const f = await sweepAfterLostPush(3_600_000, (fixture) =>
      fixture.github.statuses.push(provisionedStatus(fixture.github.refs.get("heads/main")!, "mallory")),
    );
    try {
      await sweeps(f.server, 2);
      expect(f.github.dispatches.map((d) => d.inputs)).toEqual([{ cluster: "prod", ref: f.later }]);
    } finally {
      await f.server.stop();
    }
  });

  it("is not provisioned by the sweep when older than a week (before the bot, or left on purpose)", async () => {
    const f = await sweepAfterLostPush(8 * 86_400_000);
    try {
      await sweeps(f.server, 2);
      expect(f.github.dispatches).toEqual([]);
    } finally {
      await f.server.stop();
    }
  });
});
