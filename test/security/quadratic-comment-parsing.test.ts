import nock from "nock";
import { afterEach, expect, it } from "vitest";
import { parseKawsCommand } from "../../src/core/policy/kaws-commands.js";
import { pullRequestScenario } from "../helpers/pull-request-scenario.js";
import { useRepo } from "../helpers/use-repo.js";

const { ids, repo } = useRepo();
afterEach(() => nock.cleanAll());

/** 65,000 blank lines, just under 64 KiB: what made the old pattern backtrack quadratically. */
const BLANK_LINES = " \n".repeat(32_500);

it("reads a comment of 65,000 lines in linear time", () => {
  const started = performance.now();
  expect(parseKawsCommand(BLANK_LINES)).toBeNull();
  expect(parseKawsCommand(`${BLANK_LINES}/kaws approve`)).toEqual({ name: "approve" });
  expect(performance.now() - started).toBeLessThan(250);
});

it("evaluates a pull request holding such comments quickly, and ignores a body over 64 KiB with a note", async () => {
  const s = await pullRequestScenario(ids(), repo());
  const { minutes } = s;
  try {
    await s.open(minutes(0));
    for (let i = 0; i < 5; i++) s.github.addComment(7, "erin", BLANK_LINES, minutes(1));
    const started = performance.now();
    await s.comment("dave", `/kaws approve\n${"x".repeat(64 * 1024)}`, minutes(2));
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(s.verdict()!.conclusion).toBe("action_required");
    expect(s.replies()).toEqual([
      expect.stringContaining("this comment is over 64 KiB, so the bot did not read it"),
    ]);
  } finally {
    await s.stop();
  }
});
