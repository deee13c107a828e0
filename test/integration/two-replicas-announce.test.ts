import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { type Files } from "../helpers/build-repo.js";
import { makeCsr } from "../helpers/openssl.js";
import { pullRequestPayload, reviewPayload, startWebhookServer } from "../helpers/probot.js";
import { pullRequestFixture, registeredKey } from "../helpers/pull-request-fixture.js";
import { squashMerge } from "../helpers/squash-merge.js";
import { useRepo } from "../helpers/use-repo.js";

const { ids, repo: built } = useRepo();
afterEach(() => nock.cleanAll());
const minutes = (n: number) => new Date(built().now.getTime() + n * 60_000);

describe("two replicas reconciling the same merge at once (a push on one, the sweep or a redelivery on the other)", () => {
  it("reply on the merged pull request once", async () => {
    const { csr } = makeCsr("/CN=erin/O=developers");
    const request: Files = {
      "pubkeys/erin.asc": ids().mallory.exportPublic(),
      "clusters/prod/admins/erin.csr": csr,
      "clusters/prod/admins/erin.csr.asc": ids().mallory.detachSign(csr),
    };
    const f = pullRequestFixture(
      built().files,
      { files: request },
      { erin: [registeredKey(ids().mallory)] },
      {},
      {},
    );
    const pull = pullRequestPayload({ headSha: f.headSha, baseSha: f.baseSha, author: "erin" });
    const a = await startWebhookServer({
      now: () => new Date(),
      botKey: ids().bot.exportSecret(),
      logLevel: "silent",
    });
    const b = await startWebhookServer({
      now: () => new Date(),
      botKey: ids().bot.exportSecret(),
      logLevel: "silent",
    });
    try {
      await a.deliver("pull_request", pull, "opened");
      f.github.addReview(7, "dave", "APPROVED", f.headSha, minutes(5));
      await a.deliver(
        "pull_request_review",
        reviewPayload({ pull, reviewer: "dave", state: "approved", commitId: f.headSha, at: minutes(5) }),
        "review",
      );
      const { squash, push } = squashMerge(f.github, f.repo, {
        pull,
        baseSha: f.baseSha,
        headSha: f.headSha,
        files: { ...built().files, ...request },
        added: Object.keys(request),
        mergedAt: minutes(10),
        message: "Add erin (#7)",
      });
      // the listing of #7's comments is slow: each replica reads it before the other's reply lands
      f.github.slowDown("GET", /\/issues\/7\/comments\?/, 400);
      await Promise.all([a.deliver("push", push, "p1"), b.deliver("push", push, "p2")]);
      const replies = f.github.comments.filter(
        (c) => c.issue === 7 && c.body.includes("Issued on the default branch"),
      );
      expect(replies).toHaveLength(1);
      expect(f.repo.required(f.github.refs.get("heads/main")!).parents).toEqual([squash]); // one commit
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
