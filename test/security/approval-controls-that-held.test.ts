import nock from "nock";
import { afterEach, expect, it } from "vitest";
import { countApprovals } from "../../src/core/policy/count-approvals.js";
import { parseApprovalRecord, renderApprovalRecord } from "../../src/core/report/approval-record.js";
import { parseKawsCommand } from "../../src/core/policy/kaws-commands.js";
import { makeCsr } from "../helpers/openssl.js";
import { registeredKey } from "../helpers/pull-request-fixture.js";
import { pullRequestScenario } from "../helpers/pull-request-scenario.js";
import { useRepo } from "../helpers/use-repo.js";
import { childCommit, plainPushTo, verdictOn } from "../helpers/pull-request-moves.js";

const { ids, repo } = useRepo();
afterEach(() => nock.cleanAll());

/** Attempts that did NOT fool the bot (kept as regression tests). */

it("a maintainer whose login GitHub spells 'Carol' cannot approve a PR carrying carol's own key", async () => {
  const { csr } = makeCsr("/CN=carol/O=developers");
  const s = await pullRequestScenario(ids(), repo(), {
    author: "erin",
    files: {
      "pubkeys/carol.asc": ids().carol.exportPublic(),
      "clusters/prod/admins/carol.csr": csr,
      "clusters/prod/admins/carol.csr.asc": ids().carol.detachSign(csr),
    },
    gpgKeys: { carol: [registeredKey(ids().carol)] },
  });
  try {
    await s.open(s.minutes(0));
    await s.review("Carol", "APPROVED", s.minutes(1));
    await s.comment("CAROL", `/kaws approve ${s.headSha}`, s.minutes(2));
    expect(s.verdict()!.conclusion).toBe("action_required");
  } finally {
    await s.stop();
  }
});

it("a bare /kaws approve before the bot ever reported a head (no run on it yet) counts for nothing", async () => {
  const s = await pullRequestScenario(ids(), repo());
  try {
    await s.open(s.minutes(0));
    const z = s.headSha;
    // E is pushed, but the bot has not reported it when dave writes (his comment precedes the run)
    const e = childCommit(s, z, { "README.md": "x" });
    await s.comment("dave", "/kaws approve", s.minutes(1));
    await plainPushTo(s, e, s.minutes(2));
    expect(verdictOn(s, e)!.conclusion).toBe("action_required");
  } finally {
    await s.stop();
  }
});

it("nothing a writer controls reaches the first line of the bot's summary as a record", () => {
  // the record is the summary's very first bytes, made of logins, ISO dates and comment ids only
  const record = { cancels: [{ login: "dave", at: new Date(0) }], editedComments: [12], pushers: ["carol"] };
  const line = renderApprovalRecord(record);
  expect(parseApprovalRecord(`${line}Commit \`abc\`, request change by @erin.`)).toEqual(record);
  expect(
    parseApprovalRecord("Commit `abc` <!-- kaws-bot:record cancel=dave@2020-01-01T00:00:00Z -->").cancels,
  ).toEqual([]);
  expect(parseApprovalRecord("<!-- kaws-bot:record pusher=-x pusher=Evil cancel=a@b edited=x -->")).toEqual({
    cancels: [],
    editedComments: [],
    pushers: [],
  });
});

it("/kaws approve needs all 40 hex digits; fewer or a non-hex word is not an approval", () => {
  expect(parseKawsCommand("/kaws approve abcdef0")).toEqual({ name: "unknown", text: "approve abcdef0" });
  expect(parseKawsCommand("/kaws approve HEAD")).toEqual({ name: "unknown", text: "approve HEAD" });
  expect(parseKawsCommand(`/kaws  approve   ${"ABCDEF0123".repeat(4)}`)).toEqual({
    name: "approve",
    sha: "abcdef0123".repeat(4),
  });
});

it("an approval exactly approval_max_age_days old and a review for another commit", () => {
  const head = "a".repeat(40);
  const count = countApprovals({
    signals: [
      { kind: "review", login: "dave", at: new Date(5000), commitId: "b".repeat(40), state: "approved" },
      { kind: "comment", login: "carol", at: new Date(999), edited: false, command: "approve", sha: head },
    ],
    headSha: head,
    headReportedSince: null,
    excluded: new Map(),
    isMaintainer: () => true,
    required: 1,
    notBefore: new Date(1000),
    maxAgeDays: 30,
  });
  expect(count.approvers).toEqual([]);
});
