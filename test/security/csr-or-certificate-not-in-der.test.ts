import { describe, expect, it } from "vitest";
import { verifyTree } from "../../src/core/policy/verify-tree.js";
import { withFiles } from "../helpers/mutate.js";
import { makeCsr } from "../helpers/openssl.js";
import { runStatus } from "../helpers/run.js";
import { useRepo } from "../helpers/use-repo.js";

const { ids, repo } = useRepo();
const ALICE_CSR = "clusters/prod/admins/alice.csr";
const ALICE_SIG = "clusters/prod/admins/alice.csr.asc";
const ALICE_PEM = "clusters/prod/admins/alice.pem";

function derOf(pem: string | Uint8Array): Buffer {
  const text = typeof pem === "string" ? pem : Buffer.from(pem).toString("latin1");
  return Buffer.from(text.replace(/-----[A-Z ]+-----/g, "").replace(/\s/g, ""), "base64");
}

function pemOf(der: Uint8Array, label: string): string {
  const body = Buffer.from(der)
    .toString("base64")
    .match(/.{1,64}/g)!
    .join("\n");
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

/** The outer SEQUENCE's length said with one more octet, a leading zero (30 82 HH LL as 30 83 00 HH LL): BER, not DER. */
function paddedOuterLength(der: Buffer): Buffer {
  expect(der[0]).toBe(0x30);
  const count = der[1]! < 0x80 ? 0 : der[1]! & 0x7f;
  const length = count === 0 ? der.subarray(1, 2) : der.subarray(2, 2 + count);
  return Buffer.concat([
    Buffer.from([0x30, 0x80 | (count === 0 ? 2 : count + 1), 0x00]),
    length,
    der.subarray(2 + count),
  ]);
}

/** What OpenSSL itself makes of the bytes: it reads BER, so it is no guard here. */
function opensslReads(command: "req" | "x509", der: Uint8Array): boolean {
  return runStatus("openssl", [command, "-inform", "DER", "-noout"], { input: der }).status === 0;
}

async function findingsFor(files: Record<string, string | Uint8Array>, remove: string[] = []) {
  const { findings } = await verifyTree(withFiles(repo().files, files, remove), { now: repo().now });
  return findings;
}

describe("a CSR or certificate that is not DER is refused by name, never half read", () => {
  it("a CSR whose outer length is not in its shortest form", async () => {
    const padded = paddedOuterLength(derOf(makeCsr("/CN=alice/O=developers").csr));
    expect(opensslReads("req", padded)).toBe(true);
    const pem = pemOf(padded, "CERTIFICATE REQUEST");
    const findings = await findingsFor(
      { [ALICE_CSR]: pem, [ALICE_SIG]: ids().alice.detachSign(Buffer.from(pem)) },
      [ALICE_PEM],
    );
    expect(findings).toContainEqual({
      rule: "csr.unreadable",
      severity: "error",
      path: ALICE_CSR,
      message: expect.stringContaining("the CSR does not parse: a DER length not in its shortest form"),
    });
  });

  it.each([
    [
      "with two bytes after its DER",
      (der: Buffer) => Buffer.concat([der, Buffer.from([0, 0])]),
      /2 bytes after/,
    ],
    ["whose outer length is not in its shortest form", paddedOuterLength, /not in its shortest form/],
  ])("an issued certificate %s", async (_name, damage, message) => {
    const damaged = damage(derOf(repo().files[ALICE_PEM] as string));
    expect(opensslReads("x509", damaged)).toBe(true);
    const findings = await findingsFor({ [ALICE_PEM]: pemOf(damaged, "CERTIFICATE") });
    const unreadable = findings.filter((f) => f.rule === "admin-cert.unreadable" && f.path === ALICE_PEM);
    expect(unreadable).toHaveLength(1);
    expect(unreadable[0]!.severity).toBe("error");
    expect(unreadable[0]!.message).toMatch(message);
    expect(unreadable[0]!.message).toContain("remove it; the bot issues a new one");
  });

  it("names a requested extension by its true OID: 2.999.3, not 2.56.55.3", async () => {
    const { csr } = makeCsr("/CN=alice/O=developers", "ec-p256", ["-addext", "2.999.3=ASN1:UTF8String:x"]);
    const findings = await findingsFor({ [ALICE_CSR]: csr, [ALICE_SIG]: ids().alice.detachSign(csr) }, [
      ALICE_PEM,
    ]);
    expect(findings).toContainEqual({
      rule: "csr.extensions.ignored",
      severity: "warning",
      path: ALICE_CSR,
      message: "requested extensions (2.999.3) are not copied into the certificate",
    });
  });
});
