import type { AccessPicture, AdminAccess, ClusterAccess, PendingRequest } from "./access-picture.js";
import type { ValidityStatus } from "./certificate-validity.js";
import { printableText } from "./printable-text.js";

interface Cell {
  readonly text: string;
  readonly colour?: string;
}

const COLOURS: Record<ValidityStatus, string | undefined> = {
  expired: "\u001b[31m",
  "not-yet-valid": "\u001b[31m",
  expiring: "\u001b[33m",
  valid: undefined,
};
const BOLD = "\u001b[1m";
const RESET = "\u001b[0m";

/** The access picture for people: per cluster, its CA/master/node certificates, its admins, its pending requests. */
export function renderAccessTable(picture: AccessPicture, colour: boolean): string {
  const paint = (cell: Cell | string) => {
    const { text, colour: code } = typeof cell === "string" ? { text: cell, colour: undefined } : cell;
    // every text from the tree passes here: one character for one, so padding stays aligned
    const safe = printableText(text);
    return colour && code !== undefined ? `${code}${safe}${RESET}` : safe;
  };
  const lines: string[] = [
    paint(
      `access picture ${picture.commit === null ? "of the working tree" : `at ${picture.commit}`}, ${picture.generatedAt}`,
    ),
    `expiring: admin certificates within ${picture.warnDays.admin} days, CA/master/node within ${picture.warnDays.cluster}`,
  ];
  if (picture.clusters.length === 0) lines.push("", "no clusters");
  for (const cluster of picture.clusters) {
    lines.push("", paint({ text: `cluster ${cluster.name}`, colour: BOLD }));
    lines.push(...columns(clusterRows(cluster), paint));
    lines.push("", ...columns(adminRows(cluster.admins), paint));
    if (cluster.pending.length > 0) lines.push("", ...columns(pendingRows(cluster.pending), paint));
  }
  return lines.join("\n") + "\n";
}

function clusterRows(cluster: ClusterAccess): Cell[][] {
  const header = ["certificate", "serial", "not before", "not after", "days left", "status"];
  const rows = cluster.certificates.map((c) => [
    { text: c.role },
    { text: c.serial },
    { text: day(c.notBefore) },
    { text: day(c.notAfter) },
    { text: String(c.daysLeft), colour: COLOURS[c.status] },
    { text: c.status, colour: COLOURS[c.status] },
  ]);
  if (rows.length === 0) rows.push([{ text: "(no PKI yet)" }]);
  return [headerRow(header), ...rows];
}

function adminRows(admins: readonly AdminAccess[]): Cell[][] {
  const header = [
    "admin",
    "groups",
    "OpenPGP key",
    "cert key",
    "serial",
    "not before",
    "not after",
    "days left",
    "approved by",
  ];
  const rows = admins.map((a) => [
    { text: a.login },
    { text: groups(a.groups) },
    { text: a.key === null ? "none in pubkeys/" : `${a.key.algorithm} ${a.key.fingerprint}` },
    { text: a.certificate.keyAlgorithm },
    { text: a.certificate.serial },
    { text: day(a.certificate.notBefore) },
    { text: day(a.certificate.notAfter) },
    {
      text: `${a.certificate.daysLeft}${a.certificate.status === "valid" ? "" : ` ${a.certificate.status}`}`,
      colour: COLOURS[a.certificate.status],
    },
    { text: a.approval === null ? "unknown" : a.approval.approvers.join(",") || "(none listed)" },
  ]);
  if (rows.length === 0) rows.push([{ text: "(no admin certificates)" }]);
  return [headerRow(header), ...rows];
}

function pendingRows(pending: readonly PendingRequest[]): Cell[][] {
  const header = ["pending request", "groups", "OpenPGP key", "CSR key", "CSR SHA-256"];
  return [
    headerRow(header),
    ...pending.map((p) => [
      { text: p.login },
      { text: groups(p.groups) },
      { text: p.key === null ? "none in pubkeys/" : `${p.key.algorithm} ${p.key.fingerprint}` },
      { text: p.keyAlgorithm },
      { text: p.csrSha256 },
    ]),
  ];
}

/** Rows padded into aligned columns (colour added after padding, so it never shifts a column). */
function columns(rows: Cell[][], paint: (cell: Cell) => string): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.text.length)));
  return rows.map((row) =>
    (
      "  " +
      row
        .map((cell, i) =>
          paint({ ...cell, text: i === row.length - 1 ? cell.text : cell.text.padEnd(widths[i]!) }),
        )
        .join("  ")
    ).trimEnd(),
  );
}

function headerRow(names: string[]): Cell[] {
  return names.map((text) => ({ text, colour: "\u001b[2m" }));
}

function groups(list: readonly string[]): string {
  return list.length === 0 ? "(none)" : list.join(",");
}

function day(iso: string): string {
  return iso.slice(0, 10);
}
