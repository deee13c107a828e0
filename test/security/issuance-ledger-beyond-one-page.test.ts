import nock from "nock";
import { afterEach, expect, it } from "vitest";
import { pushPayload } from "../helpers/probot.js";
import { pullRequestScenario } from "../helpers/pull-request-scenario.js";
import { filesOf } from "../helpers/pull-request-moves.js";
import { useRepo } from "../helpers/use-repo.js";

const { ids, repo } = useRepo();
afterEach(() => nock.cleanAll());

const DAY = 24 * 60;

/**
 * The attack: "a certificate is issued once per approval" reads the issuance ledger from ONE page
 * (100) of the commits that touched the `.pem` (prove-csr-approval.ts issuedBefore →
 * listCommitsTouching). A writer who can push to main (the premise of attack 7) pushes 100
 * commits that touch erin.pem, the last one deleting it, in one push: the bot's issuing commit is
 * off the page, and the approval's age is measured at merged_at, not now — a fresh certificate
 * from a 100-day-old approval.
 */

it("does not re-issue a certificate when 100 later commits touched its .pem", async () => {
  const s = await pullRequestScenario(ids(), repo(), { botKey: true });
  const { minutes } = s;
  try {
    await s.open(minutes(0));
    await s.review("dave", "APPROVED", minutes(1));
    await s.merge(minutes(2));
    const pem = "clusters/prod/admins/erin.pem";
    expect(s.mainFiles().has(pem)).toBe(true);
    expect(s.botCommits()).toHaveLength(1);

    s.setClock(minutes(100 * DAY));
    const before = s.github.refs.get("heads/main")!;
    const original = filesOf(s, before)[pem]!;
    let head = before;
    for (let i = 0; i < 100; i++) {
      const tree = filesOf(s, head);
      if (i === 99) delete tree[pem];
      else tree[pem] = i % 2 === 0 ? `${String(original)}\n` : original;
      head = s.repo.commit(tree, {}, [head], `touch ${i}`);
    }
    s.github.refs.set("heads/main", head);
    await s.deliver(
      "push",
      pushPayload({
        pull: (await import("../helpers/probot.js")).pullRequestPayload({
          headSha: s.headSha,
          baseSha: s.baseSha,
        }),
        before,
        after: head,
        commits: [{ id: head, removed: [pem] }],
      }),
    );
    expect(s.mainFiles().has(pem)).toBe(false);
    expect(s.botCommits()).toHaveLength(1);
  } finally {
    await s.stop();
  }
});
