import { describe, expect, it } from "vitest";
import {
  countApprovals,
  type ApprovalSignal,
  type ReportedHead,
} from "../../src/core/policy/count-approvals.js";
import { parseKawsCommand } from "../../src/core/policy/kaws-commands.js";

const A = "a".repeat(40);
const B = "b".repeat(40);
const at = (minute: number) => new Date(Date.UTC(2026, 10, 29, 10, minute));
const reported: ReportedHead[] = [
  { sha: A, at: at(0) },
  { sha: B, at: at(30) },
];
const maintainers = new Set(["mia", "max", "carol"]);
const count = (signals: ApprovalSignal[], headSha = B, required = 1) =>
  countApprovals({
    signals,
    reported,
    headSha,
    author: "carol",
    isMaintainer: (l) => maintainers.has(l),
    required,
  });
const review = (
  login: string,
  minute: number,
  commitId: string,
  state: "approved" | "changes_requested" | "dismissed" | "commented" = "approved",
  approveCommand = false,
): ApprovalSignal => ({ kind: "review", login, at: at(minute), commitId, state, approveCommand });
const comment = (
  login: string,
  minute: number,
  command: "approve" | "cancel" = "approve",
  edited = false,
): ApprovalSignal => ({ kind: "comment", login, at: at(minute), edited, command });

describe("countApprovals", () => {
  it("counts a maintainer's review approval for its own commit", () => {
    expect(count([review("mia", 40, B)])).toMatchObject({ approvers: ["mia"], satisfied: true });
  });

  it("counts a /kaws approve comment for the head the bot last reported before it", () => {
    expect(count([comment("mia", 31)]).approvers).toEqual(["mia"]);
    const early = count([comment("mia", 10)]);
    expect(early.approvers).toEqual([]);
    expect(early.ignored[0]?.reason).toContain(`approved an earlier commit (${A.slice(0, 12)})`);
  });

  it("counts a review whose body holds /kaws approve", () => {
    expect(count([review("max", 40, B, "commented", true)]).approvers).toEqual(["max"]);
  });

  it("never counts the author, a non-maintainer, or an edited comment", () => {
    const result = count([review("carol", 40, B), comment("eve", 41), comment("mia", 42, "approve", true)]);
    expect(result.approvers).toEqual([]);
    expect(result.ignored.map((i) => i.login)).toEqual(["carol", "eve", "mia"]);
    expect(result.ignored[0]!.reason).toBe("the author of a change cannot approve it");
  });

  it("counts an approval of an older commit for nothing after a push", () => {
    const result = count([review("mia", 20, A)]);
    expect(result).toMatchObject({ approvers: [], satisfied: false });
  });

  it("withdraws an approval on /kaws approve cancel, a dismissal or changes requested", () => {
    expect(count([comment("mia", 31), comment("mia", 35, "cancel")]).approvers).toEqual([]);
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

describe("parseKawsCommand", () => {
  it.each([
    ["/kaws approve", { name: "approve" }],
    ["LGTM\n/kaws approve\nthanks", { name: "approve" }],
    ["/kaws approve cancel", { name: "approve-cancel" }],
    ["/kaws rotate prod", { name: "rotate", cluster: "prod" }],
    ["/kaws provision prod", { name: "provision", cluster: "prod" }],
    ["/kaws help", { name: "help" }],
    ["/kaws reencrypt", { name: "reencrypt" }],
    ["/kaws approve everything", { name: "unknown", text: "approve everything" }],
    ["I will /kaws approve later", null],
    ["nothing here", null],
  ])("reads %j", (body, expected) => {
    expect(parseKawsCommand(body)).toEqual(expected);
  });
});
