import { DEFAULT_CONFIG, parseKawsConfig, type KawsConfig } from "../../config/kaws-config.js";
import { error, warning, KawsInputError, type Finding } from "../../findings.js";
import { CONFIG_PATH } from "../../tree/classify-path.js";
import type { TreeEntry } from "../../tree/repo-tree.js";

export interface ConfigResult {
  readonly config: KawsConfig;
  readonly valid: boolean;
  readonly findings: Finding[];
}

/** Read `.github/kaws.yml`; a missing file means the defaults, a bad one is an error naming the key. */
export function checkConfig(entry: TreeEntry | undefined): ConfigResult {
  // Listed but not loaded: the caller judges by another config (the default branch's).
  if (entry !== undefined && entry.bytes === undefined)
    return { config: DEFAULT_CONFIG, valid: true, findings: [] };
  if (entry?.bytes === undefined) {
    return {
      config: DEFAULT_CONFIG,
      valid: true,
      findings: [
        warning(
          "config.missing",
          CONFIG_PATH,
          "no .github/kaws.yml: the defaults apply and nobody can approve requests",
        ),
      ],
    };
  }
  try {
    const config = parseKawsConfig(entry.bytes, entry.path);
    const findings: Finding[] = [];
    if (config.maintainers.length === 0 && config.maintainer_teams.length === 0) {
      findings.push(
        warning(
          "config.no-maintainers",
          entry.path,
          "maintainers and maintainer_teams are empty: nobody can approve requests",
        ),
      );
    }
    for (const group of Object.keys(config.group_approvals)) {
      if (!config.allowed_groups.includes(group)) {
        findings.push(
          warning(
            "config.group-approvals",
            entry.path,
            `group_approvals names "${group}", which is not in allowed_groups`,
          ),
        );
      }
    }
    return { config, valid: true, findings };
  } catch (cause) {
    if (!(cause instanceof KawsInputError)) throw cause;
    return { config: DEFAULT_CONFIG, valid: false, findings: [error(cause.rule, entry.path, cause.message)] };
  }
}
