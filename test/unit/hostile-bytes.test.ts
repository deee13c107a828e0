import * as openpgp from "openpgp";
import { describe, expect, it } from "vitest";
import { decryptMessage } from "../../src/core/openpgp/decrypt-message.js";
import { verifyDetachedSignature } from "../../src/core/openpgp/verify-detached-signature.js";
import { verifyTree } from "../../src/core/policy/verify-tree.js";
import { withFiles } from "../helpers/mutate.js";
import { useRepo } from "../helpers/use-repo.js";

const { ids, repo } = useRepo();

const BILLION_LAUGHS = `a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
maintainers: *e
`;
const MERGE_BOMB = `x: &x {region: us-east-1}
y: &y {<<: [*x, *x, *x, *x], z: 1}
<<: [*y, *y, *y, *y]
`;

describe("YAML aliases give a finding, never a crash", () => {
  it.each([
    [".github/kaws.yml", "maintainers: *nothing\n", "config.invalid"],
    [".github/kaws.yml", BILLION_LAUGHS, "config.invalid"],
    ["clusters/prod/cluster.yml", MERGE_BOMB, "cluster.spec.invalid"],
    ["clusters/prod/cluster.yml", "region: !!binary aGk=\n", "cluster.spec.invalid"],
  ])("%s holding %j", async (path, yaml, rule) => {
    const result = await verifyTree(withFiles(repo().files, { [path]: yaml }), { now: repo().now });
    expect(result.findings).toContainEqual(
      expect.objectContaining({
        rule,
        path,
        severity: "error",
        message: expect.stringMatching(/YAML (alias|anchor|tag)/),
      }),
    );
  });
});

describe("OpenPGP packets openpgp.js only half reads", () => {
  it("names a signature packet of an unknown version as unreadable or wrong, never throws", async () => {
    const csr = new TextEncoder().encode(repo().files["clusters/prod/admins/alice.csr"] as string);
    const key = await openpgp.readKey({ armoredKey: ids().alice.exportPublic().toString() });
    // a new-format signature packet (tag 2) of version 7, then junk
    for (const version of [0, 1, 2, 3, 4, 5, 6, 7, 0xff]) {
      const body = new Uint8Array([version, 0x00, 0x16, 0x08, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02]);
      const packet = new Uint8Array([0xc2, body.length, ...body]);
      const check = await verifyDetachedSignature(csr, packet, key, repo().now);
      expect(check.ok).toBe(false);
    }
  });

  it("refuses a key file that decompresses past a private key's size (a compression bomb)", async () => {
    const bot = await openpgp.readPrivateKey({ armoredKey: ids().bot.exportSecret().toString() });
    // 50 MB of zeros, compressed to about 50 KB: a key file within the size bounds of invariant 7
    const plain = await openpgp.createMessage({ binary: new Uint8Array(50 * 1024 * 1024) });
    const compressed = await (
      plain as unknown as { compress(a: number): Promise<openpgp.Message<Uint8Array>> }
    ).compress(openpgp.enums.compression.zlib);
    const bomb = (await compressed.encrypt([bot.toPublic()])).write();
    expect(bomb.length).toBeLessThan(64 * 1024);
    const before = process.memoryUsage().rss;
    await expect(decryptMessage(bomb, bot)).rejects.toThrow(/Maximum decompressed message size exceeded/);
    expect(process.memoryUsage().rss - before).toBeLessThan(40 * 1024 * 1024);
  });
});
