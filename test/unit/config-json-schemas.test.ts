import { existsSync, readFileSync } from "node:fs";
import { posix } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { configJsonSchemas } from "../../scripts/json-schemas.js";
import { clusterSpecSchema } from "../../src/core/config/cluster-spec.js";
import { kawsConfigSchema } from "../../src/core/config/kaws-config.js";
import { CLUSTER_YML, CONFIG_YML } from "../helpers/build-repo.js";
import { validateJsonSchema, type JsonSchema } from "../helpers/validate-json-schema.js";

const root = new URL("../../", import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), "utf8");
const committed = (path: string) => JSON.parse(read(path)) as JsonSchema;
const KAWS = "schemas/kaws.schema.json";
const CLUSTER = "schemas/cluster.schema.json";

/** The repository's own example configs: its .github/kaws.yml, and the test fixtures'. */
const kawsExamples = [
  CONFIG_YML,
  ...(existsSync(new URL(".github/kaws.yml", root)) ? [read(".github/kaws.yml")] : []),
];

describe("the JSON Schemas of kaws.yml and cluster.yml", () => {
  it("are committed exactly as `npm run schemas` generates them from the zod schemas", () => {
    const generated = configJsonSchemas();
    expect(Object.keys(generated).sort()).toEqual([CLUSTER, KAWS]);
    for (const [path, text] of Object.entries(generated))
      expect(read(path), `${path}: run npm run schemas`).toBe(text);
  });

  it("accept the repository's example configs, which zod accepts too", () => {
    expect(kawsExamples.length).toBe(2);
    for (const yaml of kawsExamples) {
      expect(validateJsonSchema(committed(KAWS), parse(yaml))).toEqual([]);
      expect(kawsConfigSchema.safeParse(parse(yaml)).success).toBe(true);
    }
    expect(validateJsonSchema(committed(CLUSTER), parse(CLUSTER_YML))).toEqual([]);
    expect(clusterSpecSchema.safeParse(parse(CLUSTER_YML)).success).toBe(true);
  });

  it("refuse what zod refuses: an unknown key, a missing or mistyped one, a bad pattern or bound", () => {
    const cluster = parse(CLUSTER_YML) as Record<string, unknown>;
    const withoutRegion = { ...cluster };
    delete withoutRegion.region;
    const kaws = { json: committed(KAWS), zod: kawsConfigSchema };
    const spec = { json: committed(CLUSTER), zod: clusterSpecSchema };
    const bad: [typeof kaws | typeof spec, unknown, string][] = [
      [kaws, { approval: 2 }, "$.approval: not allowed"],
      [kaws, { approvals: "2" }, "$.approvals: must be integer"],
      [kaws, { admin_cert_days: 398 }, "$.admin_cert_days: above 397"],
      [kaws, { maintainers: ["-carol"] }, "$.maintainers[0]: does not match"],
      [kaws, { group_approvals: { "a,b": 2 } }, "$.group_approvals[key a,b]: does not match"],
      [kaws, { keys: { min_rsa_bits: 3072, max: 1 } }, "$.keys.max: not allowed"],
      [spec, withoutRegion, "$.region: required"],
      [spec, { ...cluster, subnet_ids: [] }, "$.subnet_ids: too few items"],
      [spec, { ...cluster, nodes: { instance_type: "m5.large" } }, "$.nodes.count: required"],
    ];
    for (const [schema, value, error] of bad) {
      expect(validateJsonSchema(schema.json, value).join("\n")).toContain(error);
      expect(schema.zod.safeParse(value).success, error).toBe(false);
    }
  });

  it("say in their descriptions what they cannot check, which only kaws does", () => {
    const lossy = { admin_cert_days: 30, renew_before_days: 30 };
    expect(validateJsonSchema(committed(KAWS), lossy)).toEqual([]);
    expect(kawsConfigSchema.safeParse(lossy).success).toBe(false);
    expect(committed(KAWS).description).toContain("renew_before_days must be less than admin_cert_days");
    for (const lossyCluster of [{ service_ip: "10.3.0" }, { admin_cidrs: ["203.0.113.0/33"] }]) {
      const value = { ...(parse(CLUSTER_YML) as object), ...lossyCluster };
      expect(validateJsonSchema(committed(CLUSTER), value)).toEqual([]);
      expect(clusterSpecSchema.safeParse(value).success).toBe(false);
    }
    const cluster = committed(CLUSTER).properties!;
    expect(cluster.service_ip!.description).toContain("kaws checks it");
    expect(cluster.admin_cidrs!.items!.description).toContain("kaws checks it");
  });

  it("are named by the README's modelines, resolved from where each file lives, as this repository's kaws.yml does", () => {
    const modelines = [...read("README.md").matchAll(/^# yaml-language-server: \$schema=(\S+)$/gm)].map(
      (m) => m[0],
    );
    const target = (line: string, file: string) =>
      posix.join(posix.dirname(file), line.split("$schema=")[1]!);
    expect(modelines).toHaveLength(2);
    expect(target(modelines[0]!, ".github/kaws.yml")).toBe(KAWS);
    expect(target(modelines[1]!, "clusters/prod/cluster.yml")).toBe(CLUSTER);
    expect(read(".github/kaws.yml").split("\n")[0]).toBe(modelines[0]);
  });
});
