import { describe, expect, it } from "vitest";
import { KawsInputError } from "../../src/core/findings.js";
import { buildAccessPicture } from "../../src/core/report/access-picture.js";
import { treeFromFiles } from "../../src/core/tree/repo-tree.js";

async function refusal(files: Record<string, string>): Promise<KawsInputError> {
  const tree = treeFromFiles(files);
  const cause = await buildAccessPicture({ tree, now: new Date(), commit: null, addedBy: new Map() }).catch(
    (thrown: unknown) => thrown,
  );
  expect(cause).toBeInstanceOf(KawsInputError);
  return cause as KawsInputError;
}

describe("the access picture stops at a file it cannot read, naming it", () => {
  it.each([
    [
      "a public key that is not one",
      "pubkeys/alice.asc",
      "hello\n",
      /^pubkeys\/alice\.asc: .+; run `kaws verify`$/,
    ],
    [
      "a certificate that does not parse",
      "clusters/prod/ca.pem",
      "not a certificate\n",
      /^clusters\/prod\/ca\.pem: .+; run `kaws verify`$/,
    ],
  ])("%s", async (_name, path, content, message) => {
    const cause = await refusal({ [path]: content });
    expect({ rule: cause.rule, path: cause.path }).toEqual({ rule: "report.unreadable", path });
    expect(cause.message).toMatch(message);
  });
});
