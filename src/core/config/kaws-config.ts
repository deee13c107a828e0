import { z } from "zod";
import { parseYamlFile } from "./parse-yaml-file.js";

const login = z
  .string()
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/, "must be a GitHub login")
  .transform((value) => value.toLowerCase());

/** A Kubernetes group as carried in a certificate's O attribute. */
const group = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[^,+=<>#;"\\]+$/, 'must not contain , + = < > # ; " or \\');

/** Admin certificates count as expiring this many days ahead when the config does not say. */
export const DEFAULT_RENEW_BEFORE_DAYS = 14;

/** `.github/kaws.yml` — the single source of truth for the bot's configuration (DESIGN section 6). */
export const kawsConfigSchema = z
  .strictObject({
    /** Logins of maintainers: they approve requests and run `/kaws` commands. */
    maintainers: z.array(login).default([]),
    /** Team slugs in the repository's organisation whose members are maintainers too. */
    maintainer_teams: z.array(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, "must be a team slug")).default([]),
    /** Distinct maintainer approvals a request needs; the author never counts. */
    approvals: z.int().min(1).max(10).default(1),
    /** A stricter number of approvals for a request that asks for one of these groups. */
    group_approvals: z.record(group, z.int().min(1).max(10)).default({}),
    /** Kubernetes groups (certificate O values) an admin may request. */
    allowed_groups: z.array(group).default([]),
    /** Validity of issued admin certificates, in days (at most 397). */
    admin_cert_days: z.int().min(1).max(397).default(90),
    /** An approval older than this at the merge counts for nothing (the merged PR's `merged_at`). */
    approval_max_age_days: z.int().min(1).max(365).default(30),
    /**
     * An admin certificate is expiring this many days before its end: time to `kaws admin renew`.
     * Less than admin_cert_days; when unset, 14 (or admin_cert_days - 1 when that is smaller, so a
     * config with short certificates stays valid without naming it).
     */
    renew_before_days: z.int().min(1).max(396).optional(),
    identity: z
      .strictObject({
        /** A new or changed pubkey must be registered on its author's GitHub account. */
        require_github_gpg_key: z.boolean().default(true),
      })
      .default({ require_github_gpg_key: true }),
    keys: z
      .strictObject({
        /** Minimum RSA modulus size for administrators' OpenPGP keys. */
        min_rsa_bits: z.int().min(2048).max(16384).default(3072),
      })
      .default({ min_rsa_bits: 3072 }),
    provision: z
      .strictObject({
        /** File name of the provisioning workflow under .github/workflows/. */
        workflow: z
          .string()
          .regex(/^[A-Za-z0-9._-]+\.ya?ml$/, "must be a workflow file name")
          .default("provision.yml"),
      })
      .default({ workflow: "provision.yml" }),
  })
  // the JSON Schema cannot carry the cross-field check: its description says so
  .describe(
    "kaws-bot's configuration. renew_before_days must be less than admin_cert_days: kaws checks it, this schema cannot.",
  )
  .superRefine((config, context) => {
    if (config.renew_before_days !== undefined && config.renew_before_days >= config.admin_cert_days)
      context.addIssue({
        code: "custom",
        path: ["renew_before_days"],
        message: `must be less than admin_cert_days (${config.admin_cert_days})`,
      });
  })
  .transform((config) => ({
    ...config,
    renew_before_days:
      config.renew_before_days ?? Math.min(DEFAULT_RENEW_BEFORE_DAYS, config.admin_cert_days - 1),
  }));

export type KawsConfig = z.infer<typeof kawsConfigSchema>;

export const DEFAULT_CONFIG: KawsConfig = kawsConfigSchema.parse({});

export function parseKawsConfig(bytes: Uint8Array, path = ".github/kaws.yml"): KawsConfig {
  return parseYamlFile(bytes, path, kawsConfigSchema, "config.invalid");
}
