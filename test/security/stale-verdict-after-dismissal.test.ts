import { afterEach, describe, expect, it } from "vitest";
import nock from "nock";
import { pullRequestPayload, reviewPayload, startWebhookServer } from "../helpers/probot.js";
import { erinOverHttp } from "../helpers/erin-over-http.js";
import { useRepo } from "../helpers/use-repo.js";

const { ids, repo } = useRepo();
afterEach(() => nock.cleanAll());
const SCALE = 100; // GitHub's 60 s secondary-limit wait becomes 600 ms

describe("two replicas: an approval, then its dismissal, each on its own replica", () => {
  it("never leaves the check green on the approval a slower replica read before it was dismissed", async () => {
    const { fake, baseSha, headSha, close } = await erinOverHttp(ids(), repo().files);
    const replica = () =>
      startWebhookServer({
        baseUrl: fake.url,
        logLevel: "silent",
        github: { sleep: (ms) => new Promise((r) => setTimeout(r, ms / SCALE)) },
        locks: { pollMs: 20 },
      });
    const replicas = [await replica(), await replica()] as const;
    const pull = pullRequestPayload({ headSha, baseSha, author: "erin" });
    fake.api.setPull(7, pull.pull_request);
    try {
      expect(await replicas[0].deliver("pull_request", pull, "d1")).toBe(200);
      const at = new Date();
      const review = fake.api.addReview(7, "dave", "APPROVED", headSha, at);
      // replica 0's update of the run meets a secondary rate limit (GitHub asks for a minute)
      fake.api.failNext("PATCH", /\/check-runs\/\d+$/, 403, "You have exceeded a secondary rate limit.");
      const approved = replicas[0].deliver(
        "pull_request_review",
        reviewPayload({ pull, reviewer: "dave", state: "approved", commitId: headSha, at }),
        "d2",
      );
      await new Promise((r) => setTimeout(r, 300)); // replica 0 has read the reviews and waits out the limit
      review.state = "DISMISSED"; // the approval is dismissed; GitHub tells replica 1
      const dismissed = replicas[1].deliver(
        "pull_request_review",
        reviewPayload({
          action: "dismissed",
          pull,
          reviewer: "dave",
          state: "dismissed",
          commitId: headSha,
          at,
        }),
        "d3",
      );
      await Promise.all([approved, dismissed]);
      const runs = fake.api.checkRuns.filter((r) => r.head_sha === headSha && r.app.id === 123);
      // replica 0 wrote its green verdict last, then saw the dismissal and judged again
      expect(runs.at(-1)!.conclusion).toBe("action_required");
    } finally {
      await Promise.all(replicas.map((r) => r.stop()));
      await close();
    }
  });
});
