import { describe, expect, it } from "vitest";
import {
  countApprovals,
  headReportedSince,
  type ApprovalSignal,
} from "../../src/core/policy/count-approvals.js";
import { parseKawsCommand } from "../../src/core/policy/kaws-commands.js";

const A = "a".repeat(40);
const B = "b".repeat(40);
const at = (minute: number) => new Date(Date.UTC(2026, 10, 29, 10, minute));
const maintainers = new Set(["mia", "max", "carol", "dora"]);
/** carol authored the change; dora's own key is in it. The bot reported B at minute 30. */
const count = (signals: ApprovalSignal[], headSha = B, required = 1, notBefore?: Date) =>
  countApprovals({
    signals,
    headSha,
    headReportedSince: at(30),
    excluded: new Map([
      ["carol", "the author of a change cannot approve it"],
      ["dora", "nobody approves access for themselves"],
    ]),
    isMaintainer: (l) => maintainers.has(l),
    required,
    ...(notBefore ? { notBefore, maxAgeDays: 30 } : {}),
  });
const review = (
  login: string,
  minute: number,
  commitId: string,
  state: "approved" | "changes_requested" | "dismissed" | "commented" = "approved",
): ApprovalSignal => ({ kind: "review", login, at: at(minute), commitId, state });
const comment = (
  login: string,
  minute: number,
  command: "approve" | "cancel" = "approve",
  edited = false,
  sha?: string,
): ApprovalSignal => ({ kind: "comment", login, at: at(minute), edited, command, ...(sha ? { sha } : {}) });

describe("countApprovals", () => {
  it("counts a maintainer's review approval for its own commit", () => {
    expect(count([review("mia", 40, B)])).toMatchObject({ approvers: ["mia"], satisfied: true });
  });

  it("counts a bare /kaws approve only when written after the bot reported the head", () => {
    expect(count([comment("mia", 31)]).approvers).toEqual(["mia"]);
    const early = count([comment("mia", 10)]);
    expect(early.approvers).toEqual([]);
    expect(early.ignored[0]?.reason).toContain(`write \`/kaws approve ${B}\``);
    const unsure = countApprovals({
      signals: [comment("mia", 50)],
      headSha: B,
      headReportedSince: null,
      excluded: new Map(),
      isMaintainer: () => true,
      required: 1,
    });
    expect(unsure.approvers).toEqual([]);
  });

  it("counts /kaws approve <sha> for the commit it names, whenever it was written", () => {
    expect(count([comment("mia", 10, "approve", false, B)]).approvers).toEqual(["mia"]);
    const other = count([comment("mia", 40, "approve", false, A)]);
    expect(other.approvers).toEqual([]);
    expect(other.ignored[0]?.reason).toContain("approved another commit (aaaaaaaaaaaa)");
  });

  it("counts nothing given until the last force-push, and no bare approval in the report's own second", () => {
    const broken = countApprovals({
      signals: [review("mia", 31, B), comment("max", 50, "approve", false, B), comment("carol", 52)],
      headSha: B,
      headReportedSince: at(52),
      headBreak: at(40),
      excluded: new Map(),
      isMaintainer: () => true,
      required: 1,
    });
    expect(broken.approvers).toEqual(["max"]);
    expect(broken.ignored.map((i) => i.login)).toEqual(["mia", "carol"]);
    expect(broken.ignored[0]!.reason).toContain("before the branch was force-pushed");
  });

  it("keeps approvals withdrawn when the review that withdrew them is dismissed", () => {
    expect(count([review("mia", 31, B), review("mia", 33, B, "changes_requested")]).approvers).toEqual([]);
    // GitHub lists the dismissed "changes requested" as DISMISSED: it still withdrew mia's approval
    expect(count([review("mia", 31, B), review("mia", 33, B, "dismissed")]).approvers).toEqual([]);
  });

  it("never counts a review that does not approve, whatever its body says", () => {
    expect(count([review("max", 40, B, "commented")]).approvers).toEqual([]);
    expect(count([review("max", 40, B, "changes_requested")]).approvers).toEqual([]);
  });

  it("never counts the author, a beneficiary, a non-maintainer, or an edited comment", () => {
    const result = count([
      review("carol", 40, B),
      review("dora", 40, B),
      comment("eve", 41),
      comment("mia", 42, "approve", true),
    ]);
    expect(result.approvers).toEqual([]);
    expect(result.ignored.map((i) => i.login)).toEqual(["carol", "dora", "eve", "mia"]);
    expect(result.ignored[0]!.reason).toBe("the author of a change cannot approve it");
    expect(result.ignored[1]!.reason).toBe("nobody approves access for themselves");
  });

  it("counts an approval of an older commit for nothing after a push", () => {
    const result = count([review("mia", 20, A)]);
    expect(result).toMatchObject({ approvers: [], satisfied: false });
  });

  it("counts approvals older than approval_max_age_days for nothing", () => {
    const result = count([review("mia", 31, B), review("max", 50, B)], B, 1, at(40));
    expect(result.approvers).toEqual(["max"]);
    expect(result.ignored[0]).toMatchObject({ login: "mia" });
    expect(result.ignored[0]!.reason).toContain("approval_max_age_days (30 days)");
  });

  it("withdraws an approval on /kaws approve cancel (edited or not), a dismissal or changes requested", () => {
    expect(count([comment("mia", 31), comment("mia", 35, "cancel")]).approvers).toEqual([]);
    expect(count([comment("mia", 31), comment("mia", 35, "cancel", true)]).approvers).toEqual([]);
    expect(count([review("mia", 31, B), review("mia", 32, B, "dismissed")]).approvers).toEqual([]);
    expect(count([review("mia", 31, B), review("mia", 33, B, "changes_requested")]).approvers).toEqual([]);
    expect(
      count([review("mia", 31, B), review("mia", 33, B, "changes_requested"), review("mia", 34, B)])
        .approvers,
    ).toEqual(["mia"]);
  });

  it("needs distinct maintainers: two approvals by one person count once", () => {
    const result = count([review("mia", 31, B), comment("mia", 32)], B, 2);
    expect(result).toMatchObject({ approvers: ["mia"], satisfied: false });
    expect(count([review("mia", 31, B), comment("max", 32)], B, 2)).toMatchObject({
      approvers: ["max", "mia"],
      satisfied: true,
    });
  });
});

describe("headReportedSince", () => {
  it("is the bot's first run on the head after the last force-push; null when there is none", () => {
    expect(headReportedSince([at(5), at(2)], null)).toEqual(at(2));
    expect(headReportedSince([at(5), at(12)], at(9))).toEqual(at(12));
    expect(headReportedSince([at(5)], at(1))).toEqual(at(5));
    expect(headReportedSince([at(5)], at(5))).toBeNull(); // the same second is not after it
    expect(headReportedSince([], null)).toBeNull();
  });
});

describe("parseKawsCommand", () => {
  it.each([
    ["/kaws approve", { name: "approve" }],
    ["LGTM\n/kaws approve\nthanks", { name: "approve" }],
    [
      `LGTM\r\n  /kaws approve ${"0123ABCdef".repeat(4)}\r\n`,
      { name: "approve", sha: "0123abcdef".repeat(4) },
    ],
    ["/kaws approve 0123abc", { name: "unknown", text: "approve 0123abc" }],
    ["/kaws approve cancel", { name: "approve-cancel" }],
    ["/kaws rotate prod", { name: "rotate", cluster: "prod" }],
    ["/kaws provision prod", { name: "provision", cluster: "prod" }],
    ["/kaws help", { name: "help" }],
    ["/kaws reencrypt", { name: "reencrypt" }],
    ["/kaws approve everything", { name: "unknown", text: "approve everything" }],
    ["/kaws approve 012345", { name: "unknown", text: "approve 012345" }],
    ["/kawsapprove", null],
    ["I will /kaws approve later", null],
    ["nothing here", null],
  ])("reads %j", (body, expected) => {
    expect(parseKawsCommand(body)).toEqual(expected);
  });

  it("reads no body over 64 KiB: a command in one is only noted", () => {
    expect(parseKawsCommand(`/kaws approve\n${"x".repeat(64 * 1024)}`)).toEqual({ name: "too-long" });
    expect(parseKawsCommand("y".repeat(64 * 1024 + 1))).toBeNull();
  });
});
