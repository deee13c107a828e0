import { readCertificate } from "../pki/read-certificate.js";
import { CLUSTER_ROLES, classifyPath, clusterFile, type ClusterRole } from "../tree/classify-path.js";
import type { RepoTree } from "../tree/repo-tree.js";

const DAY_MS = 24 * 60 * 60 * 1000;
/** The CA, master and node certificates are rotated this long before they end (DESIGN 4.3). */
export const ROTATE_BEFORE_DAYS = 60;

/** One reminder the bot keeps as an issue: its topic (one per person, one per cluster) and text. */
export interface Reminder {
  readonly topic: string;
  readonly title: string;
  readonly body: string;
  /** Who it is for: assigned to them when GitHub allows it. */
  readonly assignee?: string;
  /** Kept (updated) while open, never opened: a renewal under way keeps its reminder. */
  readonly onlyIfOpen?: boolean;
}

interface Expiring {
  readonly cluster: string;
  readonly notAfter: Date;
  readonly serial: string;
}

/**
 * The reminders a tree calls for at `now`: one per admin whose certificates end within
 * `renewBeforeDays` (or have ended), naming each cluster, the date and the exact command; one per
 * cluster whose CA, master or node certificate ends within 60 days, pointing at `/kaws rotate`.
 * Only dates are written, never "days left": the text changes when the tree does, not every day.
 * A certificate that does not read is left to `kaws verify`'s findings.
 */
export function expiryReminders(tree: RepoTree, now: Date, renewBeforeDays: number): Reminder[] {
  const admins = new Map<string, Expiring[]>();
  const servers = new Map<string, (Expiring & { role: ClusterRole })[]>();
  for (const [path, entry] of tree) {
    const managed = classifyPath(path);
    if (entry.bytes === undefined || (managed?.kind !== "admin-cert" && managed?.kind !== "cluster-cert"))
      continue;
    const read = readCertificate(entry.bytes);
    if (!read.ok) continue;
    const { notAfter, serialNumber } = read.certificate;
    const expiring = { cluster: managed.cluster, notAfter, serial: serialNumber.toLowerCase() };
    const left = notAfter.getTime() - now.getTime();
    if (managed.kind === "admin-cert" && left <= renewBeforeDays * DAY_MS)
      admins.set(managed.login, [...(admins.get(managed.login) ?? []), expiring]);
    if (managed.kind === "cluster-cert" && left <= ROTATE_BEFORE_DAYS * DAY_MS)
      servers.set(managed.cluster, [
        ...(servers.get(managed.cluster) ?? []),
        { ...expiring, role: managed.role },
      ]);
  }
  return [
    ...[...admins]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([login, certs]) => renewalReminder(login, certs, now)),
    ...waitingRenewals(tree, admins),
    ...[...servers]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([cluster, certs]) => rotationReminder(cluster, certs, now)),
  ];
}

const day = (date: Date) => date.toISOString().slice(0, 10);
const byDate = <T extends Expiring>(certs: T[]) =>
  [...certs].sort((a, b) => a.notAfter.getTime() - b.notAfter.getTime() || (a.cluster < b.cluster ? -1 : 1));

function renewalReminder(login: string, certs: Expiring[], now: Date): Reminder {
  const sorted = byDate(certs);
  const first = sorted[0]!;
  const ended = first.notAfter <= now;
  return {
    topic: `renew:${login}`,
    assignee: login,
    title: `kaws: @${login}, ${ended ? "your certificate expired on" : "renew your certificate before"} ${day(first.notAfter)}`,
    body: [
      `@${login}, your access certificate${sorted.length > 1 ? "s end" : " ends"} soon: after that day kubectl refuses you.`,
      "",
      "| cluster | expires | serial | to renew, in a clone of this repository |",
      "| --- | --- | --- | --- |",
      ...sorted.map(
        (c) =>
          `| ${c.cluster} | ${c.notAfter.toISOString()}${c.notAfter <= now ? " (expired)" : ""} | \`${c.serial}\` | \`npx kaws admin renew --cluster ${c.cluster} --login ${login}\` |`,
      ),
      "",
      "Commit what the command writes (a new CSR and its signature, your old `.pem` removed) in a pull request: it is a request, approved like any other. Once it merges and the bot has issued the new certificate, run `npx kaws admin install` for the cluster. This issue closes by itself when every certificate here is renewed.",
    ].join("\n"),
  };
}

/**
 * A person whose certificate was removed by their renewal, and whose new CSR has no certificate
 * yet (not merged yet is not this: the `.pem` is still on the branch then): their reminder stays
 * open until the bot issues it — if it refused, its issue of files it will not handle says why.
 */
function waitingRenewals(tree: RepoTree, reminded: ReadonlyMap<string, unknown>): Reminder[] {
  const waiting = new Map<string, string[]>();
  for (const path of tree.keys()) {
    const managed = classifyPath(path);
    if (managed?.kind !== "admin-csr" || reminded.has(managed.login)) continue;
    if (tree.has(clusterFile.adminCert(managed.cluster, managed.login))) continue;
    waiting.set(managed.login, [...(waiting.get(managed.login) ?? []), path]);
  }
  return [...waiting]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([login, paths]) => ({
      topic: `renew:${login}`,
      assignee: login,
      onlyIfOpen: true,
      title: `kaws: @${login}, your renewal is waiting for its certificate`,
      body: [
        `@${login}, your renewal request is on the default branch, but its certificate is not issued yet:`,
        "",
        ...paths.sort().map((path) => `- \`${path}\``),
        "",
        "If the bot refused it (an approval too old, for one), its issue of files it will not handle says why: ask a maintainer to approve a fresh request. This issue closes by itself once the certificate is issued.",
      ].join("\n"),
    }));
}

function rotationReminder(cluster: string, certs: (Expiring & { role: ClusterRole })[], now: Date): Reminder {
  const sorted = byDate(certs).sort((a, b) => CLUSTER_ROLES.indexOf(a.role) - CLUSTER_ROLES.indexOf(b.role));
  const first = byDate(certs)[0]!;
  return {
    topic: `rotate:${cluster}`,
    title: `kaws: rotate cluster ${cluster}: a certificate of its PKI ${first.notAfter <= now ? "expired on" : "expires on"} ${day(first.notAfter)}`,
    body: [
      `The PKI of cluster **${cluster}** ends within ${ROTATE_BEFORE_DAYS} days:`,
      "",
      ...sorted.map(
        (c) =>
          `- \`clusters/${cluster}/${c.role}.pem\` (serial \`${c.serial}\`): ${c.notAfter.toISOString()}${c.notAfter <= now ? " — **expired**" : ""}`,
      ),
      "",
      `A maintainer comments \`/kaws rotate ${cluster}\`: the bot proposes a new CA, master and node keys and every admin certificate re-issued, in one pull request to review and merge; provisioning then replaces them on the machines. This issue closes by itself once the new certificates are on the default branch.`,
    ].join("\n"),
  };
}
