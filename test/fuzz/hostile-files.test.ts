import fc from "fast-check";
import nock from "nock";
import { describe, expect, it } from "vitest";
import { evaluateChange } from "../../src/core/policy/evaluate-change.js";
import { verifyTree } from "../../src/core/policy/verify-tree.js";
import { PublicKeyCache } from "../../src/core/openpgp/public-key-cache.js";
import { withFiles } from "../helpers/mutate.js";
import { erinRequest, pullRequestScenario } from "../helpers/pull-request-scenario.js";
import { useRepo } from "../helpers/use-repo.js";

const { ids, repo } = useRepo();

/** `npm run fuzz` runs many more, with a random seed it prints; CI runs a few with a fixed one. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 25);
const SEED =
  process.env.FUZZ_SEED === undefined
    ? 20261201
    : process.env.FUZZ_SEED === "random"
      ? Date.now() % 2 ** 31
      : Number(process.env.FUZZ_SEED);
if (process.env.FUZZ_SEED === "random") console.log(`fuzz seed ${SEED} (FUZZ_SEED=${SEED} replays it)`);

const TARGETS = [
  "pubkeys/alice.asc",
  ".github/kaws-bot.asc",
  ".github/kaws.yml",
  "clusters/prod/cluster.yml",
  "clusters/prod/ca.pem",
  "clusters/prod/node-key.pem.asc",
  "clusters/prod/admins/alice.csr",
  "clusters/prod/admins/alice.csr.asc",
  "clusters/prod/admins/alice.pem",
];

/** Structured damage to a file's bytes: flips, cuts, insertions, repeats, and plain noise. */
function mutation(original: Uint8Array) {
  const at = fc.nat({ max: Math.max(0, original.length - 1) });
  return fc.oneof(
    fc.array(fc.tuple(at, fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 }).map((flips) => {
      const copy = new Uint8Array(original);
      for (const [i, bit] of flips) copy[i] = (copy[i] ?? 0) ^ bit;
      return copy;
    }),
    at.map((cut) => original.slice(0, cut)),
    fc.tuple(at, fc.uint8Array({ minLength: 1, maxLength: 64 })).map(([i, noise]) => {
      const copy = new Uint8Array(original.length + noise.length);
      copy.set(original.subarray(0, i));
      copy.set(noise, i);
      copy.set(original.subarray(i), i + noise.length);
      return copy;
    }),
    fc.tuple(at, at).map(([a, b]) => {
      const [from, to] = a < b ? [a, b] : [b, a];
      const chunk = original.subarray(from, to);
      const copy = new Uint8Array(original.length + chunk.length);
      copy.set(original.subarray(0, to));
      copy.set(chunk, to);
      copy.set(original.subarray(to), to + chunk.length);
      return copy;
    }),
    fc.uint8Array({ maxLength: 2048 }),
  );
}

/** The packets of an armored OpenPGP block, and a way to armor packets again (no CRC line). */
function unarmor(text: string): { packets: Uint8Array; armor: (packets: Uint8Array) => Uint8Array } | null {
  const begin = /^-----BEGIN PGP ([A-Z ]+)-----$/m.exec(text);
  if (begin === null) return null;
  const lines = text.slice(begin.index).split("\n");
  const start = lines.indexOf("") + 1;
  const end = lines.findIndex(
    (line, i) => i >= start && (line.startsWith("=") || line.startsWith("-----END")),
  );
  const packets = new Uint8Array(Buffer.from(lines.slice(start, end).join(""), "base64"));
  const type = begin[1]!;
  return {
    packets,
    armor: (bytes) => {
      const body = Buffer.from(bytes)
        .toString("base64")
        .replace(/(.{64})/g, "$1\n");
      return new TextEncoder().encode(`-----BEGIN PGP ${type}-----\n\n${body}\n-----END PGP ${type}-----\n`);
    },
  };
}

/** Damage to an armored file's packets, served armored again and as binary: what reaches the parsers. */
function fileMutation(original: Uint8Array) {
  const armored = unarmor(new TextDecoder().decode(original));
  if (armored === null) return mutation(original);
  return fc.oneof(
    mutation(original),
    mutation(armored.packets).map(armored.armor),
    mutation(armored.packets),
  );
}

describe("any damage to any file gives findings or ok, never a throw", () => {
  it.each(TARGETS)("%s, for verify and check", async (path) => {
    const original = new TextEncoder().encode(String(repo().files[path]));
    const keyCache = new PublicKeyCache();
    await fc.assert(
      fc.asyncProperty(fileMutation(original), async (bytes) => {
        const head = withFiles(repo().files, { [path]: bytes });
        const verified = await verifyTree(head, { now: repo().now, keyCache });
        expect(Array.isArray(verified.findings)).toBe(true);
        const checked = await evaluateChange({
          base: repo().tree(),
          head,
          author: "alice",
          now: repo().now,
          keyCache,
        });
        expect(typeof checked.ok).toBe("boolean");
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});

describe("the pull-request handler publishes a verdict for any damaged file", () => {
  it("answers 200 and writes its check run, whatever erin's PR holds", async () => {
    const request = erinRequest(ids());
    const paths = Object.keys(request);
    await fc.assert(
      fc.asyncProperty(
        fc
          .constantFrom(...paths)
          .chain((path) =>
            fileMutation(new TextEncoder().encode(String(request[path]))).map((bytes) => ({ path, bytes })),
          ),
        async ({ path, bytes }) => {
          const s = await pullRequestScenario(ids(), repo(), { files: { ...request, [path]: bytes } });
          try {
            await s.open(); // asserts the delivery's 200
            expect(s.verdict()?.conclusion).toMatch(/^(failure|action_required)$/);
          } finally {
            await s.stop();
            nock.cleanAll();
          }
        },
      ),
      { numRuns: Math.max(3, Math.round(RUNS / 5)), seed: SEED },
    );
  });
});
