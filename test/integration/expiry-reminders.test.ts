import nock from "nock";
import { afterEach, expect, it } from "vitest";
import { pullRequestScenario } from "../helpers/pull-request-scenario.js";
import { makeCsr } from "../helpers/openssl.js";
import { useRepo } from "../helpers/use-repo.js";

const { ids, repo } = useRepo();
afterEach(() => nock.cleanAll());

/** Alice's renewal as `kaws admin renew` pushes it, as PR #7: a new CSR and signature, her `.pem` removed. */
function aliceRenews() {
  const { csr } = makeCsr("/CN=alice/O=developers");
  return pullRequestScenario(ids(), repo(), {
    author: "alice",
    files: {
      "clusters/prod/admins/alice.csr": csr,
      "clusters/prod/admins/alice.csr.asc": ids().alice.detachSign(csr),
    },
    remove: ["clusters/prod/admins/alice.pem"],
    gpgKeys: {},
    botKey: true,
  });
}

it("reminds each admin once, assigned, 14 days before the end; closes alice's when her renewal merges", async () => {
  const s = await aliceRenews();
  const day = (n: number) => s.minutes(n * 24 * 60);
  const reminders = () => s.github.issues.filter((issue) => issue.body.includes("kaws-bot:issue:renew:"));
  try {
    s.github.notAssignable.add("bob"); // not a collaborator: named, not assigned
    // day 80 of 90: a push to the default branch reconciles it, and the reminders appear
    await s.pushToMain(day(80), { "clusters/README.md": "Clusters of acme.\n" });
    expect(reminders().map((issue) => [issue.title.replace(/\d{4}-\d\d-\d\d/, "DATE"), issue.state])).toEqual(
      [
        ["kaws: @alice, renew your certificate before DATE", "open"],
        ["kaws: @bob, renew your certificate before DATE", "open"],
      ],
    );
    const [alice, bob] = reminders() as [
      (typeof s.github.issues)[number] & { assignees?: string[] },
      (typeof s.github.issues)[number] & { assignees?: string[] },
    ];
    expect(alice.assignees).toEqual(["alice"]);
    expect(bob.assignees).toBeUndefined();
    expect(alice.body).toContain("| prod |");
    expect(alice.body).toContain("`npx kaws admin renew --cluster prod --login alice`");
    expect(bob.body).toContain("@bob, your access certificate ends soon");
    const bobBody = bob.body;

    // alice renews: her request is approved and merged, the bot issues her new certificate
    await s.open(day(80));
    await s.review("dave", "APPROVED", day(81));
    await s.merge(day(81));
    expect(alice.state).toBe("closed");
    expect(bob.state).toBe("open");
    expect(bob.body).toBe(bobBody);
    // the next change of the branch (or the sweep): nothing opened twice
    await s.pushToMain(day(82), { "clusters/README.md": "Clusters of acme, and more.\n" });
    expect(reminders()).toHaveLength(2);

    // the access picture: one issue, pinned, current with the branch
    const pictures = s.github.issues.filter((issue) => issue.title === "kaws: who can reach which cluster");
    expect(pictures.map((issue) => issue.state)).toEqual(["open"]);
    const picture = pictures[0]! as (typeof pictures)[number] & { node_id: string };
    // pinned when it was opened and again with each change (a lost pin is made up for)
    expect(s.github.pinned.length).toBeGreaterThanOrEqual(2);
    expect(new Set(s.github.pinned)).toEqual(new Set([picture.node_id]));
    const row = (login: string) =>
      picture.body.split("\n").find((line) => line.startsWith(`| \`${login}\` |`))!;
    expect(row("alice")).toMatch(/\| `developers` \|.*\| `dave` \|$/); // approved by dave, from the bot's trailer
    expect(row("alice")).not.toContain("expiring");
    expect(row("bob")).toContain("**expiring**");
    expect(row("bob")).toContain("_unknown_"); // bob's certificate did not come from a commit of the bot
  } finally {
    await s.stop();
  }
});

it("keeps alice's reminder open when her renewal merged but the bot would not sign it (no approval)", async () => {
  const s = await aliceRenews();
  const day = (n: number) => s.minutes(n * 24 * 60);
  try {
    await s.pushToMain(day(80), { "clusters/README.md": "Clusters of acme.\n" });
    const alice = s.github.issues.find((issue) => issue.body.includes("kaws-bot:issue:renew:alice"))!;
    expect(alice.state).toBe("open");
    await s.open(day(80));
    await s.merge(day(81)); // merged with no approval: the bot refuses to issue the certificate
    expect(s.mainFiles().has("clusters/prod/admins/alice.pem")).toBe(false);
    expect(alice.state).toBe("open");
    expect(alice.title).toBe("kaws: @alice, your renewal is waiting for its certificate");
    expect(alice.body).toContain("- `clusters/prod/admins/alice.csr`");
    // nobody else gets such an issue for a request of theirs: it is only ever kept, never opened
    expect(s.github.issues.filter((issue) => issue.title.includes("waiting"))).toHaveLength(1);
  } finally {
    await s.stop();
  }
});
