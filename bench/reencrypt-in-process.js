// Child process of the bench, plain JavaScript on the compiled dist/ (tsx would add about 40 MiB to
// the RSS measured): the bot's re-encryption of a folder written by writeReencryptInput,
// `runs` times in this one process (the first cold, the next warm): read the files, the recipients'
// public keys and the bot's key, then open every key file with the bot's key and encrypt it again
// to the recipients. Reports each run's time and the process's peak RSS so far.
// usage: node bench/reencrypt-in-process.js FOLDER [RUNS]
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { decryptMessage, readDecryptionKey } from "../dist/core/openpgp/decrypt-message.js";
import { readPublicKey } from "../dist/core/openpgp/read-public-key.js";
import { recipientSet } from "../dist/core/policy/recipient-set.js";
import { planKeyFiles } from "../dist/core/reconcile/plan-key-files.js";
import { classifyPath } from "../dist/core/tree/classify-path.js";
import { createRepoTree, GIT_MODE } from "../dist/core/tree/repo-tree.js";

const dir = process.argv[2];
const runs = Number(process.argv[3] ?? 1);
const results = [];
for (let run = 0; run < runs; run++) {
  const started = performance.now();
  const tree = readFolder(dir);
  const recipients = recipientSet(await readRecipients(tree));
  const botKey = await readDecryptionKey(readFileSync(join(dir, "bot-secret.asc"), "utf8"));
  const keysRead = performance.now();
  const plan = await planKeyFiles({
    tree,
    recipients,
    open: (message) => decryptMessage(message, botKey),
    now: new Date(),
  });
  const done = performance.now();
  results.push({
    files: plan.writes.length,
    recipients: recipients.keys.length,
    ms: done - started,
    readKeysMs: keysRead - started,
    reencryptMs: done - keysRead,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  });
}
process.stdout.write(JSON.stringify(results));

/** Every file under `root`, as the tree the reconciler would have fetched. */
function readFolder(root) {
  const paths = readdirSync(root, { recursive: true, encoding: "utf8" }).filter((path) =>
    statSync(join(root, path)).isFile(),
  );
  return createRepoTree(
    paths.map((path) => {
      const bytes = readFileSync(join(root, path));
      return { path, mode: GIT_MODE.file, bytes, size: bytes.length };
    }),
  );
}

/** The recipients' public keys (pubkeys/ and the bot's), each as the reconciler knows it. */
async function readRecipients(tree) {
  const known = [];
  for (const [path, entry] of tree) {
    const kind = classifyPath(path)?.kind;
    if (kind !== "pubkey" && kind !== "bot-key") continue;
    const read = await readPublicKey(entry.bytes);
    if (!read.ok) throw new Error(`${path}: ${read.detail}`);
    known.push({
      path,
      login: kind === "pubkey" ? path.slice("pubkeys/".length, -".asc".length) : null,
      key: read.key,
      fingerprint: read.key.getFingerprint().toUpperCase(),
      encryptionKeyId: (await read.key.getEncryptionKey()).getKeyID().toHex(),
      sound: true,
    });
  }
  return known;
}
