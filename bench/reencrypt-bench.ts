import { spawn } from "node:child_process";
import { cpus } from "node:os";
import * as openpgp from "openpgp";
import { readWorkingTree } from "../src/cli/read-working-tree.js";
import { decryptMessage, readDecryptionKey } from "../src/core/openpgp/decrypt-message.js";
import { encryptToRecipients } from "../src/core/openpgp/encrypt-to-recipients.js";
import { readPublicKey } from "../src/core/openpgp/read-public-key.js";
import { recipientSet } from "../src/core/policy/recipient-set.js";
import type { KnownKey } from "../src/core/policy/rules/pubkey-rules.js";
import { planKeyFiles } from "../src/core/reconcile/plan-key-files.js";
import { classifyPath } from "../src/core/tree/classify-path.js";
import { createRepoTree, type TreeEntry } from "../src/core/tree/repo-tree.js";
import type { Files } from "../test/helpers/build-repo.js";
import { startFakeGitHubServer } from "../test/helpers/fake-github-server.js";
import { FakeRepo } from "../test/helpers/fake-repo.js";
import { pullRequestPayload, pushPayload, startWebhookServer } from "../test/helpers/probot.js";
import { gpgIn, parallel } from "./build-synthetic-repo.js";

export interface ReencryptBenchResult {
  readonly files: number;
  readonly recipients: number;
  readonly inProcessMs: number;
  readonly gpgMs: number;
  readonly calls: number;
  readonly reads: number;
  readonly writes: number;
}

/**
 * 20 clusters × 3 keys, encrypted to the first 50 admins + the bot, re-encrypted to 100 admins
 * (50 RSA-3072, 50 Curve25519) + the bot: in process (decrypt with the bot key, encrypt with a
 * fresh session key) against gpg doing the same (`gpg --decrypt | gpg --encrypt -r ×101` per file,
 * as many at once as there are cores); then the reconciler's API calls for the same work.
 */
export async function benchReencrypt(repoDir: string, gnupgHome: string): Promise<ReencryptBenchResult> {
  const gpg = gpgIn(gnupgHome);
  const tree = await readWorkingTree(repoDir);
  const logins = Array.from({ length: 100 }, (_, i) => `admin${String(i).padStart(3, "0")}`);
  const known: KnownKey[] = [];
  for (const login of [...logins, "bot"]) {
    const path = login === "bot" ? ".github/kaws-bot.asc" : `pubkeys/${login}.asc`;
    const read = await readPublicKey(tree.get(path)!.bytes!);
    if (!read.ok) throw new Error(`${path}: ${read.detail}`);
    known.push({
      path,
      login,
      key: read.key,
      fingerprint: read.key.getFingerprint().toUpperCase(),
      encryptionKeyId: (await read.key.getEncryptionKey()).getKeyID().toHex(),
      sound: true,
    });
  }
  const botKey = await readDecryptionKey(
    gpg(["--armor", "--export-secret-keys", "bot@bench.invalid"]).toString(),
  );
  // the starting point: every key file encrypted to the first 50 admins and the bot
  const now = new Date();
  const first = [...known.slice(0, 50), known.at(-1)!].map((k) => k.key as openpgp.PublicKey);
  const entries: TreeEntry[] = [];
  const files: Files = {};
  for (const [path, entry] of tree) {
    if (!entry.bytes) continue;
    let bytes: Uint8Array = entry.bytes;
    if (classifyPath(path)?.kind === "cluster-key")
      bytes = new TextEncoder().encode(
        await encryptToRecipients(await decryptMessage(entry.bytes, botKey), first, now),
      );
    const kind = classifyPath(path)?.kind;
    const keep = kind !== "pubkey" || logins.includes(path.slice(8, -4));
    if (!keep) continue;
    files[path] = bytes;
    entries.push({ ...entry, bytes, size: bytes.length });
  }
  const start = createRepoTree(entries);
  const keyPaths = [...start.keys()].filter((p) => classifyPath(p)?.kind === "cluster-key");

  const inProcessStarted = performance.now();
  const plan = await planKeyFiles({
    tree: start,
    recipients: recipientSet(known),
    open: (m) => decryptMessage(m, botKey),
    now,
  });
  const inProcessMs = performance.now() - inProcessStarted;
  if (plan.writes.length !== keyPaths.length)
    throw new Error(`expected ${keyPaths.length} re-encryptions, got ${plan.writes.length}`);

  const fingerprints = known.map((k) => k.fingerprint);
  const gpgStarted = performance.now();
  await parallel(keyPaths, cpus().length, async (path) => {
    const clear = await pipe(
      ["--homedir", gnupgHome, "--batch", "--quiet", "--decrypt"],
      start.get(path)!.bytes!,
    );
    await pipe(
      [
        "--homedir",
        gnupgHome,
        "--batch",
        "--quiet",
        "--trust-model",
        "always",
        "--armor",
        ...fingerprints.flatMap((f) => ["-r", f]),
        "--encrypt",
      ],
      clear,
    );
  });
  const gpgMs = performance.now() - gpgStarted;

  // the reconciler, against a fake GitHub on 127.0.0.1
  const repo = new FakeRepo();
  const base = repo.commit(files);
  const fake = await startFakeGitHubServer({ repo, defaultSha: base, mergeBaseSha: base });
  const server = await startWebhookServer({
    baseUrl: fake.url,
    secret: "bench-reencrypt",
    logLevel: "silent",
    botKey: gpg(["--armor", "--export-secret-keys", "bot@bench.invalid"]).toString(),
  });
  try {
    const pull = pullRequestPayload({ headSha: base, baseSha: base });
    const status = await server.deliver(
      "push",
      pushPayload({
        pull,
        before: base,
        after: base,
        commits: [{ id: base, modified: ["pubkeys/admin099.asc"] }],
      }),
      "r1",
    );
    if (status !== 200) throw new Error(`the push answered ${status}`);
    const calls = fake.api.calls.filter((c) => !c.path.includes("access_tokens"));
    const tip = repo.required(fake.api.refs.get("heads/main")!);
    if (tip.parents[0] !== base) throw new Error("the reconciler did not commit");
    return {
      files: keyPaths.length,
      recipients: known.length,
      inProcessMs,
      gpgMs,
      calls: calls.length,
      reads: calls.filter((c) => c.path.includes("/git/blobs/")).length,
      writes: calls.filter((c) => c.method !== "GET").length,
    };
  } finally {
    await server.stop();
    fake.server.close();
  }
}

function pipe(args: string[], input: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn("gpg", args, { stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk) => (err += chunk));
    child.on("close", (code) =>
      code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`gpg ${args.at(-1)}: ${err}`)),
    );
    child.stdin.end(input);
  });
}
