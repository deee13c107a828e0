import { z } from "zod";
import { clusterSpecSchema } from "../src/core/config/cluster-spec.js";
import { kawsConfigSchema } from "../src/core/config/kaws-config.js";

function jsonSchema(schema: z.ZodType, title: string): string {
  const generated = z.toJSONSchema(schema, { io: "input", target: "draft-2020-12" });
  return JSON.stringify({ ...generated, title }, null, 2) + "\n";
}

/** The JSON Schemas of the files users write, by path in the repository, generated from the zod schemas. */
export function configJsonSchemas(): Record<string, string> {
  return {
    "schemas/kaws.schema.json": jsonSchema(kawsConfigSchema, ".github/kaws.yml"),
    "schemas/cluster.schema.json": jsonSchema(clusterSpecSchema, "clusters/<cluster>/cluster.yml"),
  };
}
