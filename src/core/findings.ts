import type { ErrorRuleId, RuleId, WarningRuleId } from "./rules-registry.js";

/**
 * A finding: a rule broken (or a thing to know) at a path, with a sentence a person can act on.
 * Rule ids are stable and listed in rules-registry.ts: scripts and dashboards may depend on them.
 */
export type Severity = "error" | "warning";

export interface Finding {
  readonly rule: RuleId;
  readonly severity: Severity;
  readonly path: string;
  readonly message: string;
}

export function error(rule: ErrorRuleId, path: string, message: string): Finding {
  return { rule, severity: "error", path, message };
}

export function warning(rule: WarningRuleId, path: string, message: string): Finding {
  return { rule, severity: "warning", path, message };
}

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === "error");
}

/** Stable order for output: by path, then rule, then message. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      compare(a.path, b.path) ||
      compare(a.rule, b.rule) ||
      compare(a.severity, b.severity) ||
      compare(a.message, b.message),
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Thrown by the core for input that cannot be used; carries the rule id and path for a finding. */
export class KawsInputError extends Error {
  constructor(
    readonly rule: ErrorRuleId,
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = "KawsInputError";
  }
}
