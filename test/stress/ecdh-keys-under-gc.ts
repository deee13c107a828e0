// Makes COUNT session-key packets for a Curve25519 recipient (one fresh ephemeral X25519 key each)
// while allocating garbage and collecting it, then decrypts a sample with openpgp.js. Prints
// "ok <count>" and exits 0; a deadlock never prints (the caller's timeout ends it).
// Usage: node --expose-gc --import tsx test/stress/ecdh-keys-under-gc.ts COUNT
import * as openpgp from "openpgp";
import { ecdhRecipient, ecdhSessionKeyPacket } from "../../src/core/openpgp/ecdh-session-key-packet.js";
import { encryptToRecipients } from "../../src/core/openpgp/encrypt-to-recipients.js";

const count = Number(process.argv[2] ?? "100000");
const { privateKey, publicKey } = await openpgp.generateKey({
  type: "ecc",
  curve: "curve25519Legacy",
  userIDs: [{ name: "stress" }],
  format: "object",
});
const recipient = (await ecdhRecipient(publicKey, new Date()))!;
const sessionKey = { data: new Uint8Array(32).fill(7), algorithm: 9 };
const collect = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
let garbage: unknown[] = [];
for (let i = 0; i < count; i++) {
  ecdhSessionKeyPacket(recipient, sessionKey);
  garbage.push(new Array(64).fill(i), Buffer.alloc(256));
  if (i % 2000 === 0) {
    garbage = [];
    collect(); // a collection while keys are made and exported: where the deadlock was
  }
}
// a message made the same way still opens with the recipient's key: the ephemeral public key sent is right
const armored = await encryptToRecipients(new TextEncoder().encode("still opens"), [publicKey], new Date());
const { data } = await openpgp.decrypt({
  message: await openpgp.readMessage({ armoredMessage: armored }),
  decryptionKeys: privateKey,
});
if (data !== "still opens") throw new Error("a message to the recipient does not open");
process.stdout.write(`ok ${count}\n`);
