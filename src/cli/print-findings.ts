import type { Finding } from "../core/findings.js";

export interface Output {
  write(text: string): void;
  readonly isTTY?: boolean;
}

const COLOURS = {
  error: "\u001b[31m",
  warning: "\u001b[33m",
  ok: "\u001b[32m",
  dim: "\u001b[2m",
  reset: "\u001b[0m",
};

/** Findings as a table for people: severity, rule, path, then the sentence to act on. */
export function formatFindings(findings: readonly Finding[], colour: boolean): string {
  const paint = (code: string, text: string) => (colour ? `${code}${text}${COLOURS.reset}` : text);
  const lines: string[] = [];
  for (const finding of findings) {
    const severity = paint(COLOURS[finding.severity], finding.severity.padEnd(7));
    lines.push(`${severity} ${finding.path}  ${paint(COLOURS.dim, `[${finding.rule}]`)}`);
    lines.push(`        ${finding.message}`);
  }
  const errors = findings.filter((f) => f.severity === "error").length;
  const warnings = findings.length - errors;
  const verdict = errors === 0 ? paint(COLOURS.ok, "ok: true") : paint(COLOURS.error, "ok: false");
  lines.push(
    `${verdict} (${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"})`,
  );
  return lines.join("\n") + "\n";
}

/** The machine form of DESIGN section 5: one JSON object, `ok` false exactly when there is an error. */
export function findingsJson(findings: readonly Finding[], extra: Record<string, unknown> = {}): string {
  const ok = !findings.some((f) => f.severity === "error");
  const plain = findings.map(({ rule, severity, path, message }) => ({ rule, severity, path, message }));
  return JSON.stringify({ ok, findings: plain, ...extra }, null, 2) + "\n";
}
