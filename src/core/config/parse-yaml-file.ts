import { isAlias, isNode, parseDocument, visit, type Document } from "yaml";
import type { z } from "zod";
import { KawsInputError } from "../findings.js";
import type { ErrorRuleId } from "../rules-registry.js";

/** A config is a few hundred bytes: anything much larger is refused before it is parsed. */
const MAX_YAML_BYTES = 64 * 1024;

/**
 * Parse YAML bytes and validate them with a zod schema. Every problem becomes one KawsInputError
 * whose message names the file and the offending key, so a person knows what to fix. Anchors and
 * aliases are refused outright (a config needs none, and they are how "billion laughs" and merge-key
 * bombs grow a few bytes into gigabytes); nothing here throws anything but a KawsInputError.
 */
export function parseYamlFile<T>(
  bytes: Uint8Array,
  path: string,
  schema: z.ZodType<T>,
  rule: ErrorRuleId,
): T {
  if (bytes.length > MAX_YAML_BYTES)
    throw new KawsInputError(
      rule,
      path,
      `${path} is over ${MAX_YAML_BYTES / 1024} KiB; a config is a few lines.`,
    );
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new KawsInputError(rule, path, `${path} is not UTF-8 text; save it as UTF-8 YAML.`);
  }
  const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    const first = document.errors[0]!;
    throw new KawsInputError(rule, path, `${path} is not valid YAML: ${first.message.split("\n")[0]}`);
  }
  const unusual = unusualNode(document);
  if (unusual !== null)
    throw new KawsInputError(
      rule,
      path,
      `${path} uses ${unusual}, which kaws does not read: write plain values out in full.`,
    );
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: 0 }) ?? {};
  } catch (cause) {
    throw new KawsInputError(
      rule,
      path,
      `${path} is not valid YAML: ${(cause as Error).message.split("\n")[0]}`,
    );
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const where = issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
      if (issue.code === "unrecognized_keys")
        return `${where}unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
      return `${where}${issue.message}`;
    });
    throw new KawsInputError(rule, path, `${path} is invalid: ${problems.join("; ")}`);
  }
  return result.data;
}

/** An anchor, alias or explicit tag in the document (none is needed in a config), or null. */
function unusualNode(document: Document): string | null {
  let found: string | null = null;
  visit(document, (_key, node) => {
    if (isAlias(node)) found = "a YAML alias (*)";
    else if (isNode(node) && node.anchor) found = "a YAML anchor (&)";
    else if (isNode(node) && node.tag) found = `a YAML tag (${node.tag})`;
    return found === null ? undefined : visit.BREAK;
  });
  return found;
}
