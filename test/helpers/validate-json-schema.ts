/** The JSON Schema keywords `z.toJSONSchema` writes for kaws's config files, and nothing more. */
export interface JsonSchema {
  readonly $schema?: string;
  readonly title?: string;
  readonly description?: string;
  readonly default?: unknown;
  readonly type?: "object" | "array" | "string" | "integer" | "number" | "boolean";
  readonly properties?: Record<string, JsonSchema>;
  readonly required?: string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly propertyNames?: JsonSchema;
  readonly items?: JsonSchema;
  readonly minItems?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
}

const KNOWN = new Set(
  "$schema title description default type properties required additionalProperties propertyNames items minItems minimum maximum minLength maxLength pattern".split(
    " ",
  ),
);

const isType: Record<NonNullable<JsonSchema["type"]>, (value: unknown) => boolean> = {
  object: (value) => typeof value === "object" && value !== null && !Array.isArray(value),
  array: Array.isArray,
  string: (value) => typeof value === "string",
  integer: Number.isInteger,
  number: (value) => typeof value === "number",
  boolean: (value) => typeof value === "boolean",
};

/**
 * The errors of `value` against `schema` ("path: what"), none when it is valid. A keyword this
 * validator does not know throws: a schema it cannot fully check never passes silently.
 */
export function validateJsonSchema(schema: JsonSchema, value: unknown, path = "$"): string[] {
  const unknown = Object.keys(schema).filter((keyword) => !KNOWN.has(keyword));
  if (unknown.length > 0) throw new Error(`${path}: unsupported JSON Schema keywords ${unknown.join(", ")}`);
  if (schema.type !== undefined && !isType[schema.type](value)) return [`${path}: must be ${schema.type}`];
  if (typeof value === "string") return stringErrors(schema, value, path);
  if (typeof value === "number") return numberErrors(schema, value, path);
  if (Array.isArray(value)) return arrayErrors(schema, value, path);
  if (typeof value === "object" && value !== null)
    return objectErrors(schema, value as Record<string, unknown>, path);
  return [];
}

function stringErrors(schema: JsonSchema, value: string, path: string): string[] {
  const errors: string[] = [];
  if (schema.minLength !== undefined && value.length < schema.minLength) errors.push(`${path}: too short`);
  if (schema.maxLength !== undefined && value.length > schema.maxLength) errors.push(`${path}: too long`);
  if (schema.pattern !== undefined && !new RegExp(schema.pattern, "u").test(value))
    errors.push(`${path}: does not match ${schema.pattern}`);
  return errors;
}

function numberErrors(schema: JsonSchema, value: number, path: string): string[] {
  const errors: string[] = [];
  if (schema.minimum !== undefined && value < schema.minimum) errors.push(`${path}: below ${schema.minimum}`);
  if (schema.maximum !== undefined && value > schema.maximum) errors.push(`${path}: above ${schema.maximum}`);
  return errors;
}

function arrayErrors(schema: JsonSchema, value: unknown[], path: string): string[] {
  const errors = value.flatMap((item, index) =>
    schema.items === undefined ? [] : validateJsonSchema(schema.items, item, `${path}[${index}]`),
  );
  if (schema.minItems !== undefined && value.length < schema.minItems) errors.push(`${path}: too few items`);
  return errors;
}

function objectErrors(schema: JsonSchema, value: Record<string, unknown>, path: string): string[] {
  const errors = (schema.required ?? [])
    .filter((key) => !(key in value))
    .map((key) => `${path}.${key}: required`);
  for (const [key, item] of Object.entries(value)) {
    if (schema.propertyNames !== undefined)
      errors.push(...validateJsonSchema(schema.propertyNames, key, `${path}[key ${key}]`));
    const property = schema.properties?.[key];
    if (property !== undefined) errors.push(...validateJsonSchema(property, item, `${path}.${key}`));
    else if (schema.additionalProperties === false) errors.push(`${path}.${key}: not allowed`);
    else if (typeof schema.additionalProperties === "object")
      errors.push(...validateJsonSchema(schema.additionalProperties, item, `${path}.${key}`));
  }
  return errors;
}
