import { join } from "node:path";
import type * as openpgp from "openpgp";
import { recipientSet } from "../core/policy/recipient-set.js";
import { verifyTree } from "../core/policy/verify-tree.js";
import { planKeyFiles } from "../core/reconcile/plan-key-files.js";
import { planRotation } from "../core/reconcile/plan-rotation.js";
import { clusterFile } from "../core/tree/classify-path.js";
import { CliError } from "./cli-error.js";
import type { Output } from "./print-findings.js";
import { readWorkingTree } from "./read-working-tree.js";
import { runUserGpg } from "./user-gpg.js";
import { writeFileAtomically } from "./write-file-safely.js";

/**
 * `kaws cluster genpki C`, `kaws cluster reencrypt [C]`, `kaws cluster rotate C`: what the bot does,
 * on a checkout. Re-encryption opens key files with the operator's own gpg; generation and rotation
 * need no secret key. Files already right are not rewritten.
 */
export async function clusterCommand(
  action: "genpki" | "reencrypt" | "rotate",
  options: { repo: string; cluster?: string; now: Date },
  out: Output,
): Promise<number> {
  const { cluster } = options;
  if (action !== "reencrypt" && cluster === undefined)
    throw new CliError(`kaws cluster ${action} needs a cluster name`);
  const tree = await readWorkingTree(options.repo);
  if (cluster !== undefined && !tree.has(clusterFile.spec(cluster))) {
    throw new CliError(`there is no cluster "${cluster}" (${clusterFile.spec(cluster)} is missing)`);
  }
  const verification = await verifyTree(tree, { now: options.now });
  if (verification.bot === null || !verification.bot.sound) {
    throw new CliError(
      "the bot's key (.github/kaws-bot.asc) is missing or unusable: every cluster key must stay readable by the bot (run `kaws bot-key`)",
    );
  }
  const recipients = [...verification.admins.values(), verification.bot].filter((known) => known.sound);
  const lines: string[] = [];
  let failed = false;
  if (action === "rotate") {
    const keys = recipients.map((known) => known.key as openpgp.PublicKey);
    const rotation = await planRotation({
      tree,
      cluster: cluster!,
      recipients: keys,
      adminCertDays: verification.config.admin_cert_days,
      now: options.now,
    });
    for (const file of rotation.files) await writeFileAtomically(join(options.repo, file.path), file.content);
    lines.push(...rotation.files.map((f) => `wrote ${f.path}`));
    for (const skipped of rotation.skipped) lines.push(`not re-issued: ${skipped.path} (${skipped.reason})`);
    lines.push(
      "commit this on a branch and open a pull request: a rotation needs maintainer approval like any privileged change",
    );
  } else {
    const plan = await planKeyFiles({
      tree,
      recipients: recipientSet(recipients),
      open: (message) => runUserGpg(["--decrypt"], message),
      now: options.now,
      clusters: cluster === undefined ? undefined : new Set([cluster]),
    });
    const writes = plan.writes.filter(
      (w) => w.reason === (action === "genpki" ? "generated" : "reencrypted"),
    );
    const certificates = action === "genpki" ? plan.certificates : [];
    if (action === "genpki" && writes.length === 0)
      throw new CliError(`cluster ${cluster} already has PKI: use \`kaws cluster rotate\` to replace it`);
    for (const file of [...certificates, ...writes])
      await writeFileAtomically(join(options.repo, file.path), file.content);
    lines.push(...[...certificates, ...writes].map((f) => `wrote ${f.path}`));
    for (const problem of plan.problems) lines.push(`could not handle ${problem.path}: ${problem.reason}`);
    failed = plan.problems.length > 0;
    if (lines.length === 0)
      lines.push(
        `nothing to do: every key is encrypted to exactly the ${recipients.length} recipients (pubkeys/ and the bot)`,
      );
  }
  out.write(`${lines.join("\n")}\n`);
  return failed ? 1 : 0;
}
