import type { Reminder } from "../core/lifecycle/expiry-reminders.js";
import type { GitHubClient, RepoRef } from "./github-client.js";
import { withRefLock, type RefLockTimings } from "./ref-lock.js";

const markerOf = (topic: string) => `<!-- kaws-bot:issue:${topic} -->`;
const TOPIC = /^<!-- kaws-bot:issue:([^>\s]+) -->/;

interface OpenIssue {
  readonly number: number;
  readonly nodeId: string;
  readonly title: string;
  readonly body: string;
}

/** The app's own open issues by topic (its marker), in one listing: nobody else's count. */
async function ownOpenIssues(
  octokit: GitHubClient,
  repo: RepoRef,
  botLogin: string,
): Promise<Map<string, OpenIssue>> {
  const open = await octokit.paginate("GET /repos/{owner}/{repo}/issues", {
    ...repo,
    state: "open",
    creator: botLogin,
    per_page: 100,
  });
  const byTopic = new Map<string, OpenIssue>();
  for (const issue of open) {
    const topic = TOPIC.exec(issue.body ?? "")?.[1];
    if (issue.pull_request !== undefined || issue.user?.login !== botLogin || topic === undefined) continue;
    if (!byTopic.has(topic))
      byTopic.set(topic, {
        number: issue.number,
        nodeId: issue.node_id,
        title: issue.title,
        body: issue.body ?? "",
      });
  }
  return byTopic;
}

/**
 * Make the app's open issues of some topic families (`renew:`, `rotate:`) exactly `wanted`: each
 * created once (under a lock ref, so two replicas never both open it), updated when its text
 * changed, and those no longer wanted closed. Everything is read from GitHub: restarts and
 * replicas end with the same issues. A reminder is assigned to its person when GitHub allows it.
 */
export async function syncBotIssues(
  octokit: GitHubClient,
  repo: RepoRef,
  input: {
    botLogin: string;
    families: readonly string[];
    wanted: readonly Reminder[];
    /** A default-branch commit the creation locks point at. */
    lockOn: string;
    locks?: RefLockTimings;
  },
): Promise<SyncResult> {
  const result: SyncResult = { created: [], updated: [], closed: [], nodeIds: new Map() };
  const open = await ownOpenIssues(octokit, repo, input.botLogin);
  for (const reminder of input.wanted) {
    const body = `${markerOf(reminder.topic)}\n${reminder.body}`;
    const existing = open.get(reminder.topic);
    if (existing === undefined) {
      if (reminder.onlyIfOpen === true) continue;
      const created = await createOnce(octokit, repo, input, reminder, body);
      if (created !== null) {
        result.created.push(reminder.topic);
        result.nodeIds.set(reminder.topic, created);
      }
    } else if (existing.body !== body || existing.title !== reminder.title) {
      await octokit.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", {
        ...repo,
        issue_number: existing.number,
        title: reminder.title,
        body,
      });
      result.updated.push(reminder.topic);
      result.nodeIds.set(reminder.topic, existing.nodeId);
    }
  }
  const wantedTopics = new Set(input.wanted.map((reminder) => reminder.topic));
  for (const [topic, issue] of open) {
    if (wantedTopics.has(topic) || !input.families.some((family) => topic.startsWith(family))) continue;
    await octokit.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", {
      ...repo,
      issue_number: issue.number,
      state: "closed",
      state_reason: "completed",
    });
    result.closed.push(topic);
  }
  return result;
}

interface SyncResult {
  readonly created: string[];
  readonly updated: string[];
  readonly closed: string[];
  /** The GraphQL ids of the issues created or updated, by topic. */
  readonly nodeIds: Map<string, string>;
}

/** Open the issue unless a replica opened it meanwhile (read again under the lock): its node id, or null. */
async function createOnce(
  octokit: GitHubClient,
  repo: RepoRef,
  input: { botLogin: string; lockOn: string; locks?: RefLockTimings },
  reminder: Reminder,
  body: string,
): Promise<string | null> {
  const name = `issue-${reminder.topic.replace(/[^a-z0-9-]/g, "-")}`.slice(0, 200);
  return withRefLock(
    octokit,
    repo,
    { name, sha: input.lockOn },
    async () => {
      if ((await ownOpenIssues(octokit, repo, input.botLogin)).has(reminder.topic)) return null;
      const assignees =
        reminder.assignee !== undefined && (await isAssignable(octokit, repo, reminder.assignee))
          ? [reminder.assignee]
          : undefined;
      const { data } = await octokit.request("POST /repos/{owner}/{repo}/issues", {
        ...repo,
        title: reminder.title,
        body,
        assignees,
      });
      return data.node_id;
    },
    input.locks,
  );
}

/** Whether GitHub lets the person be assigned here (a collaborator): 204 yes, 404 no. */
async function isAssignable(octokit: GitHubClient, repo: RepoRef, login: string): Promise<boolean> {
  try {
    await octokit.request("GET /repos/{owner}/{repo}/assignees/{assignee}", { ...repo, assignee: login });
    return true;
  } catch (cause) {
    if ((cause as { status?: number }).status === 404) return false;
    throw cause;
  }
}
