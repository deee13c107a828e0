import type { ClusterAccess } from "./access-picture.js";
import type { CertificateValidity } from "./certificate-validity.js";
import { escapeHtml } from "./printable-text.js";

const DAY_MS = 24 * 60 * 60 * 1000;

/** The dates a cluster's timeline spans: its admin certificates, and today with some room either side. */
export interface TimelineWindow {
  readonly start: number;
  readonly end: number;
  readonly now: number;
}

/**
 * A window that fits every admin certificate and today: the CA (ten years) and master/node (two)
 * would squash 90-day admin certificates to slivers, so their bars are cut at the window's edge.
 */
export function timelineWindow(cluster: ClusterAccess, now: Date): TimelineWindow {
  const at = now.getTime();
  const admins = cluster.admins.map((a) => a.certificate);
  const start = Math.min(at - 14 * DAY_MS, ...admins.map((c) => Date.parse(c.notBefore)));
  const end = Math.max(at + 90 * DAY_MS, ...admins.map((c) => Date.parse(c.notAfter) + 7 * DAY_MS));
  return { start, end, now: at };
}

/** One cluster's certificates as bars on a shared time axis, with today marked. */
export function renderAccessTimeline(cluster: ClusterAccess, now: Date): string {
  const window = timelineWindow(cluster, now);
  const rows = [
    ...cluster.certificates.map((c) => timelineRow(c.role === "ca" ? "CA" : c.role, c, window)),
    ...cluster.admins.map((a) => timelineRow(a.login, a.certificate, window)),
  ];
  if (rows.length === 0) return "";
  const today = share(window.now, window).toFixed(2);
  return `<figure class="timeline" aria-label="certificate validity on ${escapeHtml(cluster.name)}">
<div class="axis" aria-hidden="true"><span>${day(window.start)}</span><span class="today-label" style="left:${today}%">today</span><span>${day(window.end)}</span></div>
${rows.join("\n")}
</figure>`;
}

function timelineRow(label: string, certificate: CertificateValidity, window: TimelineWindow): string {
  const from = Date.parse(certificate.notBefore);
  const to = Date.parse(certificate.notAfter);
  const left = share(from, window);
  const width = Math.max(share(to, window) - left, 0.5);
  const cut = to > window.end ? " continues" : "";
  const status = certificate.status;
  return `<div class="row ${status}">
<div class="label">${escapeHtml(label)}</div>
<div class="track"><div class="bar${cut}" style="left:${left.toFixed(2)}%;width:${width.toFixed(2)}%"></div><div class="now" style="left:${share(window.now, window).toFixed(2)}%"></div></div>
<div class="when"><span class="status">${statusWord(certificate)}</span> ${escapeHtml(ending(certificate))}</div>
</div>`;
}

/** "expired", "expiring", "valid", "not yet valid": words, so the page reads without colour too. */
export function statusWord(certificate: CertificateValidity): string {
  return certificate.status === "not-yet-valid" ? "not yet valid" : certificate.status;
}

/** "until 2026-03-01, 41 days left" or "ended 2025-01-01, 12 days ago". */
export function ending(certificate: CertificateValidity): string {
  const date = certificate.notAfter.slice(0, 10);
  const days = certificate.daysLeft;
  if (certificate.status === "expired") return `ended ${date}, ${-days} day${-days === 1 ? "" : "s"} ago`;
  return `until ${date}, ${days} day${days === 1 ? "" : "s"} left`;
}

/** Where `time` falls in the window, in percent, held to 0-100. */
function share(time: number, window: TimelineWindow): number {
  const percent = ((time - window.start) / (window.end - window.start)) * 100;
  return Math.min(100, Math.max(0, percent));
}

function day(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}
