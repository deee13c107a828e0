import { hasErrors } from "../core/findings.js";
import { verifyTree } from "../core/policy/verify-tree.js";
import { findingsJson, formatFindings, type Output } from "./print-findings.js";
import { readGitTree } from "./read-git-tree.js";
import { readWorkingTree } from "./read-working-tree.js";

export interface VerifyOptions {
  readonly repo: string;
  readonly ref?: string;
  readonly json: boolean;
  readonly now: Date;
}

/** `kaws verify`: every invariant on the working tree (or a ref). Exit 1 on any error finding. */
export async function verifyCommand(options: VerifyOptions, out: Output): Promise<number> {
  const tree =
    options.ref === undefined
      ? await readWorkingTree(options.repo)
      : await readGitTree(options.repo, options.ref);
  const { findings } = await verifyTree(tree, { now: options.now });
  out.write(options.json ? findingsJson(findings) : formatFindings(findings, out.isTTY === true));
  return hasErrors(findings) ? 1 : 0;
}
