import { createHash } from "node:crypto";
import { ANNOTATIONS_PER_REQUEST, type CheckRunReport } from "../core/report/check-run-report.js";
import type { GitHubClient, RepoRef } from "./github-client.js";
import type { OwnCheckRun } from "./list-own-check-runs.js";

export const CHECK_NAME = "kaws";
const EXTERNAL_PREFIX = "kaws-bot";

export type PublishResult = "created" | "updated" | "unchanged";

/**
 * Publish the `kaws` check run on a commit, idempotently, given this app's own runs on it (found by
 * its app id: a look-alike run of another app or workflow is never updated nor taken as ours). The
 * run's external_id carries digests of its annotations and of the whole report: the same report
 * again changes nothing; a new summary or conclusion with the same annotations updates the run in
 * place; new annotations make a new run (GitHub appends annotations on update, so old ones would
 * linger). No `started_at` is sent: GitHub sets it, and approvals are bound by it.
 */
export async function publishCheckRun(
  octokit: GitHubClient,
  repo: RepoRef,
  headSha: string,
  report: CheckRunReport,
  detailsUrl: string,
  ownRuns: readonly OwnCheckRun[],
): Promise<PublishResult> {
  const annotationsDigest = digest(report.annotations);
  const externalId = `${EXTERNAL_PREFIX}:${annotationsDigest}:${digest(report)}`;
  const ours = ownRuns.at(-1);
  if (ours?.externalId === externalId) return "unchanged";
  const output = { title: report.title, summary: report.summary };
  const batches = chunk(report.annotations, ANNOTATIONS_PER_REQUEST);
  if (ours !== undefined && ours.externalId.split(":")[1] === annotationsDigest) {
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
    external_id: externalId,
    details_url: detailsUrl,
    status: "completed",
    conclusion: report.conclusion,
    output: { ...output, annotations: batches[0] ?? [] },
  });
  for (const batch of batches.slice(1)) {
    await octokit.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
      ...repo,
      check_run_id: created.id,
      output: { ...output, annotations: batch },
    });
  }
  return "created";
}

function digest(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 16);
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
