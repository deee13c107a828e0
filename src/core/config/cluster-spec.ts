import { isIP } from "node:net";
import { z } from "zod";
import { parseYamlFile } from "./parse-yaml-file.js";

const hostname = z
  .string()
  .max(253)
  .regex(
    /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/,
    "must be a lower-case DNS name",
  );
// the JSON Schema cannot carry these refinements: their descriptions say what kaws checks
const ipv4 = z
  .string()
  .refine((value) => isIP(value) === 4, "must be an IPv4 address")
  .describe("An IPv4 address such as 10.3.0.1 (kaws checks it; this schema only that it is a string).");
const cidr = z
  .string()
  .refine((value) => {
    const [address, bits, extra] = value.split("/");
    return (
      extra === undefined &&
      isIP(address ?? "") !== 0 &&
      /^\d{1,3}$/.test(bits ?? "") &&
      Number(bits) <= (isIP(address ?? "") === 4 ? 32 : 128)
    );
  }, "must be a CIDR block such as 203.0.113.0/24")
  .describe("A CIDR block such as 203.0.113.0/24 (kaws checks it; this schema only that it is a string).");
const awsId = (prefix: string) =>
  z.string().regex(new RegExp(`^${prefix}-[0-9a-f]{8,17}$`), `must look like ${prefix}-0abc1234`);
const role = z.strictObject({
  instance_type: z.string().regex(/^[a-z0-9-]+\.[a-z0-9]+$/, "must be an EC2 instance type such as m5.large"),
  count: z.int().min(0).max(100),
});

/** `clusters/<cluster>/cluster.yml` (DESIGN section 7). */
export const clusterSpecSchema = z.strictObject({
  region: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "must be an AWS region such as us-east-1"),
  /** DNS name of the API server: a SAN of master.pem. */
  api_domain: hostname,
  /** The Kubernetes API service IP: a SAN of master.pem. */
  service_ip: ipv4.default("10.3.0.1"),
  vpc_id: awsId("vpc"),
  subnet_ids: z.array(awsId("subnet")).min(1),
  ami: awsId("ami"),
  /** EC2 key pair for the bastion. */
  key_name: z.string().min(1).max(255),
  /** Who may reach the bastion on tcp/22. */
  admin_cidrs: z.array(cidr).min(1),
  bastion: role,
  masters: role,
  nodes: role,
});

export type ClusterSpec = z.infer<typeof clusterSpecSchema>;

export function parseClusterSpec(bytes: Uint8Array, path: string): ClusterSpec {
  return parseYamlFile(bytes, path, clusterSpecSchema, "cluster.spec.invalid");
}

/** The exact SANs master.pem must carry. */
export function masterSans(spec: Pick<ClusterSpec, "api_domain" | "service_ip">): {
  dns: string[];
  ip: string[];
} {
  return {
    dns: [
      spec.api_domain,
      "kubernetes",
      "kubernetes.default",
      "kubernetes.default.svc",
      "kubernetes.default.svc.cluster.local",
    ],
    ip: [spec.service_ip],
  };
}
