import type { AccessPicture, AdminAccess, ClusterAccess } from "./access-picture.js";
import type { CertificateValidity } from "./certificate-validity.js";
import { printableText } from "./printable-text.js";

/** GitHub refuses an issue body past 65,536 characters: the whole list is left out past this. */
const MAX_BODY = 60_000;

/**
 * The access picture as the body of the bot's one pinned issue: per cluster, its PKI's expiry and
 * a line per admin (groups, key, serial, end, approvers), then pending requests. Every text from
 * the tree sits in a code span with nothing that could end it, break the table, mention someone or
 * link anywhere. A picture too big for an issue keeps its summary and what needs attention.
 */
export function renderAccessIssue(picture: AccessPicture): string {
  const head = [
    `Who can reach which cluster, from the default branch at \`${picture.commit ?? "?"}\`. The bot keeps this issue current with every change of the branch (and marks certificates as they come within ${picture.warnDays.admin} days of their end); \`npx kaws report --html access.html\` draws the same picture with a timeline.`,
    "",
    "| cluster | admins | expiring (within " +
      `${picture.warnDays.admin} days) | expired | pending requests | PKI ends |`,
    "| --- | --- | --- | --- | --- | --- |",
    ...picture.clusters.map(summaryRow),
  ];
  const full = [...head, ...picture.clusters.flatMap((cluster) => clusterSection(cluster, () => true))];
  const text = full.join("\n");
  if (text.length <= MAX_BODY) return text;
  const attention = (admin: AdminAccess) => admin.certificate.status !== "valid";
  return [
    ...head,
    "",
    "_Too many admins to list here: only the certificates that need attention are. Run `npx kaws report` for all._",
    ...picture.clusters.flatMap((cluster) => clusterSection(cluster, attention)),
  ]
    .join("\n")
    .slice(0, MAX_BODY);
}

function summaryRow(cluster: ClusterAccess): string {
  const count = (status: string) => cluster.admins.filter((a) => a.certificate.status === status).length;
  const ends = [...cluster.certificates].sort((a, b) => (a.notAfter < b.notAfter ? -1 : 1))[0];
  return `| ${code(cluster.name)} | ${cluster.admins.length} | ${count("expiring")} | ${count("expired")} | ${cluster.pending.length} | ${ends === undefined ? "no PKI" : `${day(ends.notAfter)}${mark(ends)}`} |`;
}

function clusterSection(cluster: ClusterAccess, shown: (admin: AdminAccess) => boolean): string[] {
  const admins = cluster.admins.filter(shown);
  return [
    "",
    `### ${code(cluster.name)}`,
    "",
    cluster.certificates.map((c) => `${c.role} until ${day(c.notAfter)}${mark(c)}`).join(" · ") ||
      "No PKI yet.",
    ...(admins.length === 0
      ? []
      : [
          "",
          "| admin | groups | key | serial | until | approved by |",
          "| --- | --- | --- | --- | --- | --- |",
          ...admins.map(
            (a) =>
              `| ${code(a.login)} | ${a.groups.map(code).join(" ")} | ${a.key === null ? "_removed_" : code(`${a.key.algorithm} ${a.key.fingerprint.slice(-16)}`)} | ${code(a.certificate.serial)} | ${day(a.certificate.notAfter)}${mark(a.certificate)} | ${a.approval === null ? "_unknown_" : a.approval.approvers.map(code).join(" ")} |`,
          ),
        ]),
    ...(cluster.pending.length === 0
      ? []
      : [
          "",
          `Pending: ${cluster.pending.map((p) => `${code(p.login)} (${p.groups.map(code).join(" ")})`).join(", ")}`,
        ]),
  ];
}

const day = (iso: string) => iso.slice(0, 10);

function mark(validity: CertificateValidity): string {
  if (validity.status === "expired") return " **expired**";
  if (validity.status === "expiring") return " **expiring**";
  if (validity.status === "not-yet-valid") return " **not yet valid**";
  return "";
}

/** Text from the tree as an inert code span: no backtick, pipe or line break survives in it. */
function code(text: string): string {
  const inert = printableText(text)
    .replace(/[`|\\]/g, "?")
    .slice(0, 200);
  return `\`${inert.length === 0 ? "?" : inert}\``;
}
