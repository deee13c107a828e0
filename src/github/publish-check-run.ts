import { createHash } from "node:crypto";
import { ANNOTATIONS_PER_REQUEST, type CheckRunReport } from "../core/report/check-run-report.js";
import type { GitHubClient, RepoRef } from "./github-client.js";
import type { OwnCheckRun } from "./own-check-run.js";

export const CHECK_NAME = "kaws";
const EXTERNAL_PREFIX = "kaws-bot";
/** The end of the external id of a run whose annotations are not all in yet. */
const PARTIAL = ":partial";

export type PublishResult = "created" | "updated" | "unchanged";

/** The start of the external id of this app's runs for one pull request. */
export function externalIdPrefix(pullNumber: number): string {
  return `${EXTERNAL_PREFIX}:${pullNumber}:`;
}

/**
 * Publish the `kaws` check run of a pull request on its head, idempotently, given this app's own
 * run for it to update, if any (found by app id and pull request: a look-alike run of another app
 * or workflow is never updated nor taken as ours; none is given after a force-push, so GitHub
 * stamps a new run). The external id carries the pull request and digests of the annotations and
 * of the whole report: the same report again changes nothing; a new summary or conclusion with the
 * same annotations updates the run in place; new annotations make a new run (GitHub appends
 * annotations on update, so old ones would linger). No `started_at` is sent: GitHub sets it, and
 * approvals are bound by it.
 */
export async function publishCheckRun(
  octokit: GitHubClient,
  repo: RepoRef,
  pull: { number: number; headSha: string; htmlUrl: string },
  report: CheckRunReport,
  ours: OwnCheckRun | undefined,
): Promise<PublishResult> {
  const headSha = pull.headSha;
  const detailsUrl = pull.htmlUrl;
  const externalId = externalIdOf(pull.number, report);
  const change = checkRunChange(pull.number, report, ours);
  if (change === "unchanged") return "unchanged";
  const output = { title: report.title, summary: report.summary };
  const batches = chunk(report.annotations, ANNOTATIONS_PER_REQUEST);
  if (ours !== undefined && change === "updated") {
    await octokit.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
      ...repo,
      check_run_id: ours.id,
      external_id: externalId,
      details_url: detailsUrl,
      conclusion: report.conclusion,
      output,
    });
    return "updated";
  }
  const { data: created } = await octokit.request("POST /repos/{owner}/{repo}/check-runs", {
    ...repo,
    name: CHECK_NAME,
    head_sha: headSha,
    // marked partial until the last batch of annotations is in
    external_id: batches.length > 1 ? `${externalId}${PARTIAL}` : externalId,
    details_url: detailsUrl,
    status: "completed",
    conclusion: report.conclusion,
    output: { ...output, annotations: batches[0] ?? [] },
  });
  for (const [index, batch] of batches.slice(1).entries()) {
    const last = index === batches.length - 2;
    await octokit.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
      ...repo,
      check_run_id: created.id,
      output: { ...output, annotations: batch },
      ...(last ? { external_id: externalId } : {}),
    });
  }
  return "created";
}

/** What publishing a report does to this app's run, before any call: nothing, an edit, or a new run. */
export function checkRunChange(
  pullNumber: number,
  report: CheckRunReport,
  ours: OwnCheckRun | undefined,
): PublishResult {
  if (ours?.externalId === externalIdOf(pullNumber, report)) return "unchanged";
  // a run whose annotations went only in part (a later batch failed) is never updated in place:
  // GitHub keeps what it got and cannot take annotations back, so a new run carries them all
  return ours !== undefined &&
    !ours.externalId.endsWith(PARTIAL) &&
    ours.externalId.split(":")[2] === digest(report.annotations)
    ? "updated"
    : "created";
}

function externalIdOf(pullNumber: number, report: CheckRunReport): string {
  return `${externalIdPrefix(pullNumber)}${digest(report.annotations)}:${digest(report)}`;
}

function digest(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 16);
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
