/**
 * Control characters (C0, DEL, C1) and bidirectional overrides: in a group name from a CSR they
 * could move a terminal's cursor, recolour it or reorder what a reader sees.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Text from the tree made safe to print on a terminal: each unprintable character becomes "?". */
export function printableText(text: string): string {
  return text.replace(UNPRINTABLE, "?");
}

/** Text from the tree as HTML text or attribute content: markup characters escaped, controls replaced. */
export function escapeHtml(text: string): string {
  return printableText(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
