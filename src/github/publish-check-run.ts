import { createHash } from "node:crypto";
import { ANNOTATIONS_PER_REQUEST, type CheckRunReport } from "../core/report/check-run-report.js";
import type { GitHubClient, RepoRef } from "./github-client.js";

export const CHECK_NAME = "kaws";
const EXTERNAL_PREFIX = "kaws-bot";

export type PublishResult = "created" | "updated" | "unchanged";

/**
 * Publish the `kaws` check run on a commit, idempotently. The run's external_id carries digests of
 * its annotations and of the whole report: the same report again changes nothing; a new summary
 * or conclusion with the same annotations updates the run in place; new annotations make a new run
 * (GitHub appends annotations on update, so old ones would linger).
 */
export async function publishCheckRun(
  octokit: GitHubClient,
  repo: RepoRef,
  headSha: string,
  report: CheckRunReport,
  detailsUrl: string,
): Promise<PublishResult> {
  const annotationsDigest = digest(report.annotations);
  const externalId = `${EXTERNAL_PREFIX}:${annotationsDigest}:${digest(report)}`;
  const { data } = await octokit.request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", {
    ...repo,
    ref: headSha,
    check_name: CHECK_NAME,
    filter: "latest",
    per_page: 100,
  });
  const ours = data.check_runs.find((run) => run.external_id?.startsWith(`${EXTERNAL_PREFIX}:`));
  if (ours?.external_id === externalId) return "unchanged";
  const output = { title: report.title, summary: report.summary };
  const batches = chunk(report.annotations, ANNOTATIONS_PER_REQUEST);
  if (ours !== undefined && ours.external_id?.split(":")[1] === annotationsDigest) {
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
