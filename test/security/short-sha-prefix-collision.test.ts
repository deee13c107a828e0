import nock from "nock";
import { afterEach, expect, it } from "vitest";
import { countApprovals } from "../../src/core/policy/count-approvals.js";
import { makeCsr } from "../helpers/openssl.js";
import { pullRequestScenario } from "../helpers/pull-request-scenario.js";
import { useRepo } from "../helpers/use-repo.js";
import { filesOf, mergeHead, plainPushTo, verdictOn, type Scenario } from "../helpers/pull-request-moves.js";

const { ids, repo } = useRepo();
afterEach(() => nock.cleanAll());

/**
 * A commit whose id starts with `prefix`, child of `parent`, holding `files`. On GitHub the attacker
 * finds one by varying a header or the message of a real commit: 7 hex digits are 2^28 SHA-1s (under
 * a minute on one CPU core), 12 digits (what the bot itself suggests) 2^48 (hours on one GPU). The
 * fake's ids are not git's, so the brute-forced commit is put in the fake's object store directly.
 */
function commitWithPrefix(
  s: Scenario,
  parent: string,
  prefix: string,
  files: Record<string, Buffer>,
): string {
  const tree = { ...filesOf(s, parent), ...files };
  const made = s.repo.commit(tree, {}, [parent], "brute-forced");
  const filler = parent[prefix.length] === "f" ? "e" : "f";
  const forged = prefix + filler.repeat(40 - prefix.length);
  const commit = s.repo.required(made);
  s.repo.commits.set(forged, { ...commit, sha: forged });
  return forged;
}

for (const digits of [7, 12]) {
  it(`does not take /kaws approve with ${digits} digits: a later head could share the prefix`, async () => {
    const s = await pullRequestScenario(ids(), repo(), { botKey: true });
    const { minutes } = s;
    try {
      await s.open(minutes(0));
      const z = s.headSha;
      await s.comment("dave", `/kaws approve ${z.slice(0, digits)}`, minutes(1));
      expect(verdictOn(s, z)!.conclusion).toBe("action_required"); // a prefix approves nothing
      expect(s.replies()).toEqual([expect.stringContaining(`is not a command`)]);

      const { csr: evilCsr } = makeCsr("/CN=erin/O=developers");
      const e = commitWithPrefix(s, z, z.slice(0, digits), {
        "clusters/prod/admins/erin.csr": evilCsr,
        "clusters/prod/admins/erin.csr.asc": ids().mallory.detachSign(evilCsr),
      });
      expect(e).not.toBe(z);
      await plainPushTo(s, e, minutes(2));
      expect(verdictOn(s, e)!.conclusion).toBe("action_required"); // dave named Z, never E

      await mergeHead(s, e, minutes(3));
      expect(s.mainFiles().has("clusters/prod/admins/erin.pem")).toBe(false);
    } finally {
      await s.stop();
    }
  });
}

it("counts /kaws approve <sha> only for the very commit it names", () => {
  const approved = "abcdef0" + "1".repeat(33);
  const other = "abcdef0" + "2".repeat(33);
  const count = countApprovals({
    signals: [
      { kind: "comment", login: "dave", at: new Date(0), edited: false, command: "approve", sha: approved },
    ],
    headSha: other,
    headReportedSince: null,
    excluded: new Map(),
    isMaintainer: () => true,
    required: 1,
  });
  expect(approved).not.toBe(other);
  expect(count.approvers).toEqual([]);
});
