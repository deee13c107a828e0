import type { AccessPicture, AdminAccess, ClusterAccess, PendingRequest } from "./access-picture.js";
import { ACCESS_PAGE_STYLE } from "./access-page-style.js";
import { escapeHtml as e } from "./printable-text.js";
import { ending, renderAccessTimeline, statusWord } from "./render-access-timeline.js";

/**
 * The access picture as one self-contained HTML page: inline style, no script, nothing fetched (its
 * Content-Security-Policy forbids it, so a file from the tree that slipped past escaping could load
 * nothing either). Every text from the tree — logins, groups, cluster names — is escaped.
 */
export function renderAccessHtml(picture: AccessPicture): string {
  const now = new Date(picture.generatedAt);
  const where = picture.commit === null ? "the working tree" : `commit <code>${e(picture.commit)}</code>`;
  const clusters = picture.clusters.map((cluster) => clusterSection(cluster, now)).join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="referrer" content="no-referrer">
<title>kaws access report</title>
<style>${ACCESS_PAGE_STYLE}</style>
</head>
<body>
<header>
<h1>Who can reach which cluster</h1>
<p class="muted">From ${where}, on ${e(picture.generatedAt.slice(0, 16).replace("T", " "))} UTC.
Expiring: admin certificates within ${picture.warnDays.admin} days, CA, master and node within ${picture.warnDays.cluster}.</p>
<p class="legend"><span><i class="valid"></i>valid</span><span><i class="expiring"></i>expiring</span><span><i class="expired"></i>expired</span></p>
</header>
<main>
${clusters || "<p>No clusters.</p>"}
</main>
<footer><p>Made by <code>kaws report</code>. Who approved a certificate is read from the <code>Kaws-Certificate:</code> trailer of the commit that added it, as git records that commit; “unknown” when it has none (a direct push, a break-glass signing).</p></footer>
</body>
</html>
`;
}

function clusterSection(cluster: ClusterAccess, now: Date): string {
  const all = [...cluster.certificates, ...cluster.admins.map((a) => a.certificate)];
  const count = (status: string) => all.filter((c) => c.status === status).length;
  return `<section class="cluster">
<h2>Cluster <code>${e(cluster.name)}</code></h2>
<p class="counts"><b>${cluster.admins.length}</b> admin${cluster.admins.length === 1 ? "" : "s"} ·
<b>${count("expiring")}</b> expiring · <b>${count("expired")}</b> expired ·
<b>${cluster.pending.length}</b> pending request${cluster.pending.length === 1 ? "" : "s"}</p>
${renderAccessTimeline(cluster, now)}
<h3>Admins</h3>
${cluster.admins.length === 0 ? '<p class="muted">No admin certificates.</p>' : adminTable(cluster.admins)}
${cluster.pending.length === 0 ? "" : `<h3>Pending requests</h3>\n${pendingTable(cluster.pending)}`}
<h3>CA, master and node</h3>
${clusterTable(cluster)}
</section>`;
}

function adminTable(admins: readonly AdminAccess[]): string {
  const rows = admins.map((a) => {
    const c = a.certificate;
    return row(c.status, [
      ["Admin", `<b>${e(a.login)}</b>`],
      ["Groups", groups(a.groups)],
      ["OpenPGP key", key(a.key)],
      [
        "Serial",
        `<span class="mono">${e(c.serial)}</span> <span class="muted nowrap">${e(c.keyAlgorithm)}</span>`,
      ],
      ["Valid from", `<span class="date">${e(c.notBefore.slice(0, 10))}</span>`],
      ["Until", `<span class="status">${statusWord(c)}</span> ${e(ending(c))}`],
      ["Approved by", approvedBy(a)],
    ]);
  });
  return table(["Admin", "Groups", "OpenPGP key", "Serial", "Valid from", "Until", "Approved by"], rows);
}

function pendingTable(pending: readonly PendingRequest[]): string {
  const rows = pending.map((p) =>
    row("", [
      ["Login", `<b>${e(p.login)}</b>`],
      ["Groups", groups(p.groups)],
      ["OpenPGP key", key(p.key)],
      ["CSR", `<code>${e(p.path)}</code> <span class="muted nowrap">${e(p.keyAlgorithm)}</span>`],
      ["CSR SHA-256", `<span class="mono">${e(p.csrSha256)}</span>`],
    ]),
  );
  return table(["Login", "Groups", "OpenPGP key", "CSR", "CSR SHA-256"], rows);
}

function clusterTable(cluster: ClusterAccess): string {
  if (cluster.certificates.length === 0) return `<p class="muted">No PKI yet.</p>`;
  const rows = cluster.certificates.map((c) =>
    row(c.status, [
      ["Certificate", `<code>${e(c.path)}</code>`],
      ["Serial", `<span class="mono">${e(c.serial)}</span>`],
      ["Valid from", `<span class="date">${e(c.notBefore.slice(0, 10))}</span>`],
      ["Until", `<span class="status">${statusWord(c)}</span> ${e(ending(c))}`],
    ]),
  );
  return table(["Certificate", "Serial", "Valid from", "Until"], rows);
}

function table(headers: readonly string[], rows: readonly string[]): string {
  return `<table>
<thead><tr>${headers.map((h) => `<th>${h}</th>`).join("")}</tr></thead>
<tbody>
${rows.join("\n")}
</tbody>
</table>`;
}

/** One table row; each cell carries its column's name for the one-card-per-row phone layout. */
function row(status: string, cells: readonly (readonly [string, string])[]): string {
  const tds = cells.map(([label, html]) => `<td data-label="${label}">${html}</td>`).join("");
  return `<tr${status === "" ? "" : ` class="${status}"`}>${tds}</tr>`;
}

function groups(list: readonly string[]): string {
  return list.length === 0
    ? `<span class="muted">none</span>`
    : list.map((g) => `<code>${e(g)}</code>`).join(", ");
}

function key(summary: AdminAccess["key"]): string {
  if (summary === null) return `<span class="unknown">none in pubkeys/</span>`;
  return `${e(summary.algorithm)} <span class="mono">${e(summary.fingerprint)}</span>`;
}

function approvedBy(admin: AdminAccess): string {
  if (admin.approval === null) return `<span class="unknown">unknown</span>`;
  const names = admin.approval.approvers.map((login) => `<b>${e(login)}</b>`).join(", ") || "none listed";
  return `${names} <span class="muted mono">${e(admin.approval.commit.slice(0, 12))}</span>`;
}
