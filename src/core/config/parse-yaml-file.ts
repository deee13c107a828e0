import { parseDocument } from "yaml";
import type { z } from "zod";
import { KawsInputError } from "../findings.js";

/**
 * Parse YAML bytes and validate them with a zod schema. Every problem becomes one KawsInputError
 * whose message names the file and the offending key, so a person knows what to fix.
 */
export function parseYamlFile<T>(bytes: Uint8Array, path: string, schema: z.ZodType<T>, rule: string): T {
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
  const value: unknown = document.toJS() ?? {};
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
