import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { checkAdminArguments } from "./admin-paths.js";
import { CliError } from "./cli-error.js";
import type { Output } from "./print-findings.js";

export const USAGE = `kaws — keep the PKI of Kubernetes clusters on AWS in git, safely

Usage:
  kaws verify [--repo DIR] [--ref REF] [--json]
      Check every invariant on a checkout (or on commit REF). Exit 1 on any error finding.
  kaws check --base REF --head REF --author LOGIN [--authority REF] [--repo DIR] [--json]
      Evaluate a change as the bot evaluates a pull request, on local git refs: what HEAD did since
      its merge base with BASE, judged by the config and keys of AUTHORITY (default: BASE).
  kaws admin request --cluster C --login L [--groups g1,g2] [--gpg-key FPR] [--key-dir DIR] [--repo DIR]
      Make your private key (outside the repository, mode 0600), a CSR and its signature with your gpg.
  kaws admin renew --cluster C --login L [--groups g1,g2] [--gpg-key FPR] [--key-dir DIR] [--repo DIR]
      Renew your certificate: a new key beside your current one, a new CSR and its signature with
      your gpg, and your current certificate removed (groups: the current certificate's). A request.
  kaws admin sign --cluster C --login L [--repo DIR]
      Break-glass: sign a CSR with the cluster CA, opened by your own gpg.
  kaws admin install --cluster C --login L [--server URL] [--key FILE] [--kubeconfig FILE] [--repo DIR]
      Write a kubeconfig context with the CA, your certificate and your key.
  kaws cluster genpki C [--repo DIR]
      Generate the CA, master and node PKI of cluster C, its keys encrypted to pubkeys/ and the bot.
  kaws cluster reencrypt [C] [--repo DIR]
      Re-encrypt the key files (of C, or all) whose recipients are not exactly pubkeys/ and the bot,
      opening them with your own gpg.
  kaws cluster rotate C [--repo DIR]
      A new CA, master and node keys for C, and every admin certificate re-issued: commit it in a PR.
  kaws provision plan C [--repo DIR] [--json]
      What EC2 lacks for cluster C: security groups per the policy (drift to revoke), instances per
      cluster.yml, outdated PKI to replace. Changes nothing. Exit 0 no changes, 2 changes, 1 a problem.
  kaws provision apply C [--repo DIR]
      Make those changes (instances replaced one at a time); masters and nodes get their PKI, opened
      with the bot's key from KAWS_BOT_KEY. Safe to run again. Exit 0 done, 1 a problem.
  kaws report [--repo DIR] [--ref REF] [--json] [--html FILE]
      Who can reach which cluster: each admin's groups, key, certificate serial and dates, days
      left, who approved it; pending requests; CA, master and node expiry. --html FILE writes one
      self-contained page with a timeline per cluster.
  kaws audit [--repo DIR] [--ref REF] [--json]
      Prove that every admin certificate in the history of REF (default HEAD) came from a
      reconcile commit whose Kaws-Certificate trailer matches it (serial, CSR SHA-256, approvers);
      list any that came another way. Exit 1 when one did.
  kaws bot-key [--name NAME] [--repo DIR]
      Make the bot's key pair: the public key to .github/kaws-bot.asc, the secret key to stdout only.
  kaws help | kaws COMMAND --help | kaws --version
      Show this text, one command's usage, or the version.

Exit codes: 0 ok, 1 error findings (audit: an unexplained certificate), 2 usage error or
unreadable repository (provision: 0, 2 and 1 as above, 64 for a usage error or an unreadable
repository).
`;

interface Streams {
  readonly stdout: Output;
  readonly stderr: Output;
  readonly now?: Date;
}

const defaultStreams: Streams = {
  stdout: { write: (text) => void process.stdout.write(text), isTTY: process.stdout.isTTY },
  stderr: { write: (text) => void process.stderr.write(text), isTTY: process.stderr.isTTY },
};

/**
 * Run one `kaws` command line and return its exit code. Each command's code is loaded when it runs:
 * `kaws help` loads nothing heavy, and only `provision` loads the AWS SDK.
 */
export async function main(argv: string[], streams: Streams = defaultStreams): Promise<number> {
  const [command, ...rest] = argv;
  const now = streams.now ?? new Date();
  if (command === "--version" || command === "version") {
    streams.stdout.write(`kaws ${await packageVersion()}\n`);
    return 0;
  }
  // `kaws <command> --help` anywhere on the line: that command's usage, nothing run
  if (command !== undefined && rest.some((arg) => arg === "--help" || arg === "-h")) {
    const usage = commandUsage(command, rest[0]);
    if (usage === null) {
      streams.stderr.write(`kaws: unknown command "${command}": run \`kaws help\`\n`);
      return 2;
    }
    streams.stdout.write(usage);
    return 0;
  }
  try {
    switch (command) {
      case "verify": {
        const { values } = parse(rest, {
          repo: { type: "string" },
          ref: { type: "string" },
          json: { type: "boolean" },
        });
        const { verifyCommand } = await import("./verify-command.js");
        return await verifyCommand(
          { repo: resolve(values.repo ?? "."), ref: values.ref, json: values.json === true, now },
          streams.stdout,
        );
      }
      case "check": {
        const { values } = parse(rest, {
          repo: { type: "string" },
          base: { type: "string" },
          head: { type: "string" },
          author: { type: "string" },
          authority: { type: "string" },
          json: { type: "boolean" },
        });
        const { base, head, author, authority } = values;
        if (!base || !head || !author)
          throw new CliError("kaws check needs --base REF --head REF --author LOGIN");
        const { checkCommand } = await import("./check-command.js");
        return await checkCommand(
          {
            repo: resolve(values.repo ?? "."),
            base,
            head,
            author,
            authority,
            json: values.json === true,
            now,
          },
          streams.stdout,
        );
      }
      case "admin":
        return await adminCommand(rest, streams, now);
      case "cluster": {
        const [sub, ...args] = rest;
        const { values, positionals } = parse(args, { repo: { type: "string" } }, true);
        if ((sub !== "genpki" && sub !== "reencrypt" && sub !== "rotate") || positionals.length > 1)
          throw new CliError(
            `usage: kaws cluster genpki C | kaws cluster reencrypt [C] | kaws cluster rotate C`,
          );
        const { clusterCommand } = await import("./cluster-command.js");
        return await clusterCommand(
          sub,
          { repo: resolve(values.repo ?? "."), cluster: positionals[0], now },
          streams.stdout,
        );
      }
      case "provision":
        return await provision(rest, streams, now);
      case "report": {
        const { values } = parse(rest, {
          repo: { type: "string" },
          ref: { type: "string" },
          json: { type: "boolean" },
          html: { type: "string" },
        });
        const { reportCommand } = await import("./report-command.js");
        return await reportCommand(
          {
            repo: resolve(values.repo ?? "."),
            ref: values.ref,
            json: values.json === true,
            html: values.html === undefined ? undefined : resolve(values.html),
            now,
          },
          streams.stdout,
        );
      }
      case "audit": {
        const { values } = parse(rest, {
          repo: { type: "string" },
          ref: { type: "string" },
          json: { type: "boolean" },
        });
        const { auditCommand } = await import("./audit-command.js");
        return await auditCommand(
          { repo: resolve(values.repo ?? "."), ref: values.ref, json: values.json === true },
          streams.stdout,
        );
      }
      case "bot-key": {
        const { values } = parse(rest, { repo: { type: "string" }, name: { type: "string" } });
        const { botKeyCommand } = await import("./bot-key-command.js");
        return await botKeyCommand(
          { repo: resolve(values.repo ?? "."), name: values.name ?? "kaws-bot", now },
          streams.stdout,
          streams.stderr,
        );
      }
      case "help":
      case "--help":
      case "-h":
        streams.stdout.write(USAGE);
        return 0;
      case undefined:
        streams.stderr.write(USAGE);
        return 2;
      default:
        throw new CliError(`unknown command "${command}": run \`kaws help\``);
    }
  } catch (cause) {
    if (cause instanceof CliError) {
      streams.stderr.write(`kaws: ${cause.message}\n`);
      return cause.exitCode;
    }
    throw cause;
  }
}

/** The lines of USAGE about one command (and subcommand, when given), or null when it has none. */
export function commandUsage(command: string, sub?: string): string | null {
  const blocks = USAGE.split("\n\n")[1]!
    .replace(/^Usage:\n/, "")
    .split(/\n(?= {2}kaws )/);
  const about = (words: string) =>
    blocks.filter((b) => b === `  kaws ${words}` || b.startsWith(`  kaws ${words} `));
  const mine =
    sub !== undefined && about(`${command} ${sub}`).length > 0 ? about(`${command} ${sub}`) : about(command);
  return mine.length === 0
    ? null
    : `Usage:\n${mine.join("\n")}\n\nRun \`kaws help\` for every command and the exit codes.\n`;
}

/** This package's version, from its package.json (two folders up, from src/cli or dist/cli). */
async function packageVersion(): Promise<string> {
  const { readFile } = await import("node:fs/promises");
  const text = await readFile(new URL("../../package.json", import.meta.url), "utf8");
  return (JSON.parse(text) as { version: string }).version;
}

/**
 * Exit code of `kaws provision` for a usage error or an unreadable repository: `plan` exits 2 for
 * "changes to make", which a workflow answers with `apply`, so a mistake must not look like one.
 */
export const PROVISION_USAGE_EXIT = 64;

async function provision(rest: string[], streams: Streams, now: Date): Promise<number> {
  try {
    const [sub, ...args] = rest;
    const { values, positionals } = parse(
      args,
      { repo: { type: "string" }, json: { type: "boolean" } },
      true,
    );
    if ((sub !== "plan" && sub !== "apply") || positionals.length !== 1 || (sub === "apply" && values.json))
      throw new CliError("usage: kaws provision plan C [--json] | kaws provision apply C");
    const { provisionCommand } = await import("./provision-command.js");
    return await provisionCommand(
      sub,
      {
        repo: resolve(values.repo ?? "."),
        cluster: positionals[0]!,
        json: values.json === true,
        now,
        botKey: process.env.KAWS_BOT_KEY || undefined,
        botKeyPassphrase: process.env.KAWS_BOT_KEY_PASSPHRASE || undefined,
      },
      streams.stdout,
    );
  } catch (cause) {
    if (cause instanceof CliError && cause.exitCode === 2)
      throw new CliError(cause.message, PROVISION_USAGE_EXIT);
    throw cause;
  }
}

type Options = NonNullable<Parameters<typeof parseArgs>[0]>["options"];

function parse<T extends Options>(args: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals });
  } catch (cause) {
    throw new CliError(`${(cause as Error).message}: run \`kaws help\``);
  }
}

async function adminCommand(args: string[], streams: Streams, now: Date): Promise<number> {
  const [sub, ...rest] = args;
  const { values } = parse(rest, {
    repo: { type: "string" },
    cluster: { type: "string" },
    login: { type: "string" },
    groups: { type: "string" },
    "gpg-key": { type: "string" },
    "key-dir": { type: "string" },
    key: { type: "string" },
    server: { type: "string" },
    kubeconfig: { type: "string" },
  });
  const repo = resolve(values.repo ?? ".");
  const { cluster, login } = checkAdminArguments(values.cluster, values.login);
  const groups = values.groups
    ?.split(",")
    .map((g) => g.trim())
    .filter(Boolean);
  switch (sub) {
    case "request": {
      const { adminRequestCommand } = await import("./admin-request-command.js");
      return adminRequestCommand(
        { repo, cluster, login, groups: groups ?? [], gpgKey: values["gpg-key"], keyDir: values["key-dir"] },
        streams.stdout,
      );
    }
    case "renew": {
      const { adminRenewCommand } = await import("./admin-renew-command.js");
      return adminRenewCommand(
        { repo, cluster, login, groups, gpgKey: values["gpg-key"], keyDir: values["key-dir"] },
        streams.stdout,
      );
    }
    case "sign": {
      const { adminSignCommand } = await import("./admin-sign-command.js");
      return adminSignCommand({ repo, cluster, login, now }, streams.stdout);
    }
    case "install": {
      const { adminInstallCommand } = await import("./admin-install-command.js");
      return adminInstallCommand(
        {
          repo,
          cluster,
          login,
          server: values.server,
          keyPath: values.key,
          keyDir: values["key-dir"],
          kubeconfig: values.kubeconfig,
        },
        streams.stdout,
      );
    }
    default:
      throw new CliError(`unknown command "admin ${sub ?? ""}": run \`kaws help\``);
  }
}
