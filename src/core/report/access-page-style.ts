/**
 * The report page's whole style, inline: no fonts, images or scripts to fetch. Narrow screens get
 * one column (tables become one card per row); print keeps the bars' colours and avoids splitting a
 * cluster's timeline across pages.
 */
export const ACCESS_PAGE_STYLE = `
:root { --valid: #2e7d32; --expiring: #b26a00; --expired: #c62828; --line: #d0d7de; --muted: #57606a; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; background: #fff; }
header, main, footer { max-width: 72rem; margin: 0 auto; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin: 1.2rem 0 0.3rem; }
h2 { font-size: 1.25rem; margin: 0 0 0.4rem; }
h3 { font-size: 1rem; margin: 1.2rem 0 0.4rem; }
p { margin: 0.3rem 0; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.85em; }
.mono { overflow-wrap: anywhere; }
td { overflow-wrap: break-word; }
.date, .nowrap { white-space: nowrap; }
.muted { color: var(--muted); }
.legend span { display: inline-block; margin-right: 1rem; }
.legend i { display: inline-block; width: 1.6rem; height: 0.7rem; border-radius: 3px; margin-right: 0.3rem; vertical-align: middle; }
section.cluster { border-top: 1px solid var(--line); padding: 1rem 0 1.5rem; }
.counts b { margin-right: 0.2rem; }
.timeline { margin: 0.8rem 0; padding: 0; }
.axis { position: relative; margin-left: 9.5rem; margin-right: 17.5rem; height: 1.3rem; display: flex; justify-content: space-between; font-size: 0.8rem; color: var(--muted); }
.axis .today-label { position: absolute; transform: translateX(-50%); font-weight: 600; color: #1f2328; }
.row { display: grid; grid-template-columns: 9rem 1fr 17rem; gap: 0.5rem; align-items: center; padding: 0.15rem 0; }
.row .label { font-weight: 600; overflow-wrap: anywhere; }
.track { position: relative; height: 0.9rem; background: #f0f2f4; border-radius: 4px; overflow: hidden; }
.bar { position: absolute; top: 0; bottom: 0; border-radius: 4px; background: var(--valid); }
.bar.continues { border-top-right-radius: 0; border-bottom-right-radius: 0; }
.now { position: absolute; top: -2px; bottom: -2px; width: 2px; margin-left: -1px; background: #1f2328; }
.when { font-size: 0.85rem; }
.status { font-weight: 600; }
.expiring .bar, .legend .expiring { background: repeating-linear-gradient(135deg, var(--expiring) 0 6px, #d9921c 6px 12px); }
.expired .bar, .legend .expired, .not-yet-valid .bar { background: var(--expired); }
.legend .valid { background: var(--valid); }
.expiring .status, td.expiring { color: var(--expiring); }
.expired .status, td.expired, .not-yet-valid .status, td.not-yet-valid { color: var(--expired); }
tr.expired, tr.not-yet-valid { background: #fdecec; }
tr.expiring { background: #fff4e0; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { text-align: left; vertical-align: top; padding: 0.35rem 0.5rem; border-bottom: 1px solid var(--line); }
th { font-weight: 600; color: var(--muted); }
.unknown { color: var(--expired); font-style: italic; }
footer { color: var(--muted); font-size: 0.8rem; padding-bottom: 2rem; }
@media (max-width: 700px) {
  body { font-size: 14px; }
  .axis { margin: 0; }
  .row { grid-template-columns: 1fr; gap: 0.15rem; padding: 0.35rem 0; }
  table, thead, tbody, tr, th, td { display: block; }
  thead { display: none; }
  tr { border: 1px solid var(--line); border-radius: 6px; margin: 0 0 0.6rem; padding: 0.3rem 0.5rem; }
  td { border: 0; padding: 0.15rem 0; }
  td::before { content: attr(data-label) ": "; font-weight: 600; color: var(--muted); }
}
@media print {
  @page { margin: 12mm; }
  body { font-size: 10pt; }
  header, main, footer { max-width: none; padding: 0; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .timeline, tr { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
}
`;
