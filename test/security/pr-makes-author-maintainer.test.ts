import { expect, it } from "vitest";
import { evaluateChange } from "../../src/core/policy/evaluate-change.js";
import { CONFIG_YML } from "../helpers/build-repo.js";
import { withFiles } from "../helpers/mutate.js";
import { makeCsr } from "../helpers/openssl.js";
import { useRepo } from "../helpers/use-repo.js";

const { ids, repo } = useRepo();

it("does not obey a config from the PR head: allowing a new group or lowering approvals changes nothing", async () => {
  const { csr } = makeCsr("/CN=carol/O=root-group");
  const config = CONFIG_YML.replace("maintainers: [carol, dave]", "maintainers: [carol, dave, mallory]")
    .replace('group_approvals: {"system:masters": 2}', "")
    .replace(
      'allowed_groups: ["system:masters", developers]',
      'allowed_groups: ["system:masters", developers, root-group]',
    );
  const head = withFiles(repo().files, {
    ".github/kaws.yml": config,
    "pubkeys/carol.asc": ids().carol.exportPublic(),
    "clusters/prod/admins/carol.csr": csr,
    "clusters/prod/admins/carol.csr.asc": ids().carol.detachSign(csr),
  });
  const result = await evaluateChange({ base: repo().tree(), head, author: "carol", now: repo().now });
  expect(result.kind).toBe("privileged");
  expect(result.privilegedPaths).toContain(".github/kaws.yml");
  expect(result.findings).toContainEqual(
    expect.objectContaining({ rule: "config.changed", severity: "warning" }),
  );
  // judged by the default branch's allowed_groups, not the PR's
  expect(result.findings).toContainEqual(
    expect.objectContaining({ rule: "csr.group.not-allowed", path: "clusters/prod/admins/carol.csr" }),
  );
  expect(result.ok).toBe(false);
});
