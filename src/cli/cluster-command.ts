import { join } from "node:path";
import { recipientSet } from "../core/policy/recipient-set.js";
import { verifyTree } from "../core/policy/verify-tree.js";
import { planKeyFiles } from "../core/reconcile/plan-key-files.js";
import { clusterFile } from "../core/tree/classify-path.js";
import { CliError } from "./cli-error.js";
import type { Output } from "./print-findings.js";
import { readWorkingTree } from "./read-working-tree.js";
import { runUserGpg } from "./user-gpg.js";
import { writeFileAtomically } from "./write-file-safely.js";

/**
 * `kaws cluster genpki C` and `kaws cluster reencrypt [C]`: what the reconciler does, on a checkout,
 * opening key files with the operator's own gpg. Files already right are not rewritten.
 */
export async function clusterCommand(
  action: "genpki" | "reencrypt",
  options: { repo: string; cluster?: string; now: Date },
  out: Output,
): Promise<number> {
  const tree = await readWorkingTree(options.repo);
  if (options.cluster !== undefined && !tree.has(clusterFile.spec(options.cluster))) {
    throw new CliError(
      `there is no cluster "${options.cluster}" (${clusterFile.spec(options.cluster)} is missing)`,
    );
  }
  if (action === "genpki" && options.cluster === undefined)
    throw new CliError("kaws cluster genpki needs a cluster name");
  const verification = await verifyTree(tree, { now: options.now });
  if (verification.bot === null || !verification.bot.sound) {
    throw new CliError(
      "the bot's key (.github/kaws-bot.asc) is missing or unusable: every cluster key must stay readable by the bot (run `kaws bot-key`)",
    );
  }
  const recipients = [...verification.admins.values(), verification.bot].filter((known) => known.sound);
  const plan = await planKeyFiles({
    tree,
    recipients: recipientSet(recipients),
    open: (message) => runUserGpg(["--decrypt"], message),
    now: options.now,
    clusters: options.cluster === undefined ? undefined : new Set([options.cluster]),
  });
  const writes =
    action === "genpki"
      ? plan.writes.filter((w) => w.reason === "generated")
      : plan.writes.filter((w) => w.reason === "reencrypted");
  const certificates = action === "genpki" ? plan.certificates : [];
  if (action === "genpki" && writes.length === 0)
    throw new CliError(
      `cluster ${options.cluster} already has PKI: use \`kaws cluster rotate\` to replace it`,
    );
  for (const file of [...certificates, ...writes])
    await writeFileAtomically(join(options.repo, file.path), file.content);
  const lines = [...certificates, ...writes].map((f) => `wrote ${f.path}`);
  for (const problem of plan.problems) lines.push(`could not handle ${problem.path}: ${problem.reason}`);
  if (lines.length === 0)
    lines.push(
      `nothing to do: every key is encrypted to exactly the ${recipients.length} recipients (pubkeys/ and the bot)`,
    );
  out.write(`${lines.join("\n")}\n`);
  return plan.problems.length > 0 ? 1 : 0;
}
