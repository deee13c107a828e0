import { mkdirSync, writeFileSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { run, runStatus } from "./run.js";

/** A GnuPG home holding one identity, driven through the real `gpg` binary. */
export class GpgHome {
  constructor(
    readonly home: string,
    readonly fingerprint: string,
  ) {}

  private args(extra: string[]): string[] {
    return [
      "--homedir",
      this.home,
      "--batch",
      "--yes",
      "--no-tty",
      "--pinentry-mode",
      "loopback",
      "--passphrase",
      "",
      ...extra,
    ];
  }

  gpg(extra: string[], input?: string | Uint8Array): Buffer {
    return run("gpg", this.args(extra), { input });
  }

  gpgStatus(extra: string[], input?: string | Uint8Array) {
    return runStatus("gpg", this.args(extra), { input });
  }

  exportPublic(armor = true): Buffer {
    return this.gpg([...(armor ? ["--armor"] : []), "--export", this.fingerprint]);
  }

  /** The armored secret key, for tests that act as the bot; it lives in the test's temp dir only. */
  exportSecret(): string {
    return this.gpg(["--armor", "--export-secret-keys", this.fingerprint]).toString();
  }

  detachSign(data: Uint8Array, options: { armor?: boolean; textmode?: boolean } = {}): Buffer {
    const flags = [
      ...(options.armor === false ? [] : ["--armor"]),
      ...(options.textmode ? ["--textmode"] : []),
    ];
    return this.gpg(["--local-user", this.fingerprint, ...flags, "--detach-sign", "--output", "-"], data);
  }

  decrypt(message: Uint8Array | string) {
    return this.gpgStatus(["--decrypt"], message);
  }

  importKeys(armored: Uint8Array | string): void {
    this.gpg(["--import"], armored);
  }

  /** Encrypt to these fingerprints (imported into this home first) with GnuPG itself. */
  encryptTo(data: Uint8Array, fingerprints: string[], armor = true): Buffer {
    const recipients = fingerprints.flatMap((f) => ["--recipient", f]);
    return this.gpg(
      ["--trust-model", "always", ...(armor ? ["--armor"] : []), ...recipients, "--encrypt"],
      data,
    );
  }

  /** Key IDs that `gpg --list-packets` reports as recipients of a message. */
  recipientKeyIds(message: Uint8Array | string): string[] {
    const out = runStatus("gpg", ["--homedir", this.home, "--batch", "--list-packets"], { input: message });
    return [...out.stdout.matchAll(/:pubkey enc packet: version \d, algo \d+, keyid ([0-9A-F]{16})/g)].map(
      (m) => m[1] as string,
    );
  }
}

export type KeySpec = "cv25519" | "rsa3072" | "rsa2048" | "dsa" | "sign-only" | "expired" | "revoked";

/** Make one identity with the real gpg in its own home. */
export function makeGpgIdentity(root: string, name: string, spec: KeySpec): GpgHome {
  const home = join(root, `gnupg-${name}`);
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const base = ["--homedir", home, "--batch", "--no-tty", "--pinentry-mode", "loopback", "--passphrase", ""];
  const uid = `${name} <${name}@example.test>`;
  const [primary, sub, expiry, faked] = (
    {
      cv25519: ["ed25519", "cv25519", "never", []],
      rsa3072: ["rsa3072", "rsa3072", "never", []],
      rsa2048: ["rsa2048", "rsa2048", "never", []],
      dsa: ["dsa2048", "elg2048", "never", []],
      "sign-only": ["ed25519", null, "never", []],
      expired: ["ed25519", "cv25519", "1y", ["--faked-system-time", "20200101T000000!"]],
      revoked: ["ed25519", "cv25519", "never", []],
    } as const
  )[spec];
  run("gpg", [...base, ...faked, "--quick-gen-key", uid, primary, "sign", expiry]);
  const fingerprint = /fpr:::::::::([0-9A-F]{40}):/.exec(
    run("gpg", [...base, "--with-colons", "--list-keys"]).toString(),
  )![1]!;
  if (sub !== null) run("gpg", [...base, ...faked, "--quick-add-key", fingerprint, sub, "encr", expiry]);
  if (spec === "revoked") {
    const revocations = join(home, "openpgp-revocs.d");
    const file = readdirSync(revocations).find((f) => f.startsWith(fingerprint))!;
    const certificate = readFileSync(join(revocations, file), "utf8").replace(/^:-----/m, "-----");
    writeFileSync(join(home, "revoke.asc"), certificate);
    run("gpg", [...base, "--import", join(home, "revoke.asc")]);
  }
  return new GpgHome(home, fingerprint);
}
