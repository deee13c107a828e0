import { KawsInputError } from "../core/findings.js";
import { buildAccessPicture, type AccessPicture } from "../core/report/access-picture.js";
import { renderAccessHtml } from "../core/report/render-access-html.js";
import { renderAccessTable } from "../core/report/render-access-table.js";
import { CliError } from "./cli-error.js";
import type { Output } from "./print-findings.js";
import { readCertificateCommits } from "./read-certificate-commits.js";
import { readGitTree } from "./read-git-tree.js";
import { readWorkingTree } from "./read-working-tree.js";
import { resolveCommit } from "./resolve-commit.js";
import { writeFileAtomically } from "./write-file-safely.js";

export interface ReportOptions {
  readonly repo: string;
  readonly ref?: string;
  readonly json: boolean;
  /** Where to write the HTML page, besides what goes to standard output. */
  readonly html?: string;
  readonly now: Date;
}

/**
 * `kaws report`: who can reach which cluster, with which groups, until when, approved by whom —
 * from the working tree (or REF) and the history of HEAD (or REF). Exit 0, or 2 for a file it cannot read.
 */
export async function reportCommand(options: ReportOptions, out: Output): Promise<number> {
  const picture = await readAccessPicture(options);
  if (options.html !== undefined) await writeHtml(options.html, picture);
  if (options.json) out.write(JSON.stringify(picture, null, 2) + "\n");
  else if (options.html !== undefined) out.write(`wrote ${options.html}\n`);
  else out.write(renderAccessTable(picture, out.isTTY === true));
  return 0;
}

async function writeHtml(path: string, picture: AccessPicture): Promise<void> {
  try {
    await writeFileAtomically(path, renderAccessHtml(picture));
  } catch (cause) {
    throw new CliError(`cannot write ${path}: ${(cause as Error).message}`);
  }
}

async function readAccessPicture(options: ReportOptions): Promise<AccessPicture> {
  const { repo, ref, now } = options;
  const tree = ref === undefined ? await readWorkingTree(repo) : await readGitTree(repo, ref);
  const commit = await resolveCommit(repo, ref ?? "HEAD");
  if (ref !== undefined && commit === null)
    throw new CliError(`cannot read ${ref} in ${repo}: no such commit`);
  const addedBy = commit === null ? new Map() : await readCertificateCommits(repo, commit);
  try {
    return await buildAccessPicture({ tree, now, commit: ref === undefined ? null : commit, addedBy });
  } catch (cause) {
    if (cause instanceof KawsInputError) throw new CliError(cause.message);
    throw cause;
  }
}
