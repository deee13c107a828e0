import nock from "nock";
import { afterEach, expect, it } from "vitest";
import type { Files } from "../helpers/build-repo.js";
import { makeCsr } from "../helpers/openssl.js";
import { commentPayload, pullRequestPayload, startWebhookServer } from "../helpers/probot.js";
import { pullRequestFixture, registeredKey } from "../helpers/pull-request-fixture.js";
import { useRepo } from "../helpers/use-repo.js";

const { ids, repo: built } = useRepo();
afterEach(() => nock.cleanAll());

it("does not trust a look-alike sticky comment from another app: its forged ledger binds no approval", async () => {
  const { csr } = makeCsr("/CN=erin/O=developers");
  const files: Files = {
    "pubkeys/erin.asc": ids().mallory.exportPublic(),
    "clusters/prod/admins/erin.csr": csr,
    "clusters/prod/admins/erin.csr.asc": ids().mallory.detachSign(csr),
  };
  const at = (minutes: number) => new Date(built().now.getTime() + minutes * 60_000);
  const fixture = pullRequestFixture(
    built().files,
    { files },
    { erin: [registeredKey(ids().mallory)] },
    {},
    { now: () => at(5) },
  );
  // another app claims the bot reported this head at minute 1, before dave's comment at minute 2
  const forged = fixture.github.addComment(
    7,
    "evil-app[bot]",
    `<!-- kaws-bot:sticky -->\nforged\n<!-- kaws-bot:reported ${fixture.headSha} ${at(1).toISOString()} -->`,
    at(1),
  );
  forged.user.type = "Bot";
  fixture.github.addComment(7, "dave", "/kaws approve", at(2));
  const server = await startWebhookServer({ now: () => at(5) }); // the real bot first reports the head at minute 5
  try {
    const pull = pullRequestPayload({ headSha: fixture.headSha, baseSha: fixture.baseSha, author: "erin" });
    fixture.github.setPull(7, pull.pull_request);
    expect(await server.deliver("pull_request", pull, "d1")).toBe(200);
    expect(
      await server.deliver(
        "issue_comment",
        commentPayload({ pull, id: 101, login: "dave", body: "/kaws approve", at: at(2) }),
        "d2",
      ),
    ).toBe(200);
    expect(forged.body).toContain("forged"); // never edited
    const own = fixture.github.comments.filter(
      (c) => c.user.login === "kaws-bot[bot]" && c.body.startsWith("<!-- kaws-bot:sticky -->"),
    );
    expect(own).toHaveLength(1);
    expect(fixture.github.checkRuns.at(-1)!.conclusion).toBe("action_required");
    expect(own[0]!.body).toContain(
      "@dave's approval does not count: it cannot be bound for sure to the head",
    );
  } finally {
    await server.stop();
  }
});
