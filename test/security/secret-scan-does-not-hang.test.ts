import { expect, it } from "vitest";
import { findSecretMaterial } from "../../src/core/openpgp/find-secret-material.js";
import { run } from "../helpers/run.js";

const d = "-----";
const begin = `${d}BEGIN PRIVATE KEY${d}\n`;

it.each([
  ["CR LF runs with no END", begin + "\r\n".repeat(200_000) + "!"],
  ["mixed line endings with no END", begin + "\r\r\n\n".repeat(200_000)],
  ["thousands of BEGIN lines", begin.repeat(300_000)],
  ["thousands of BEGIN lines before one END", `${begin}AAAA\n`.repeat(200_000) + `${d}END PRIVATE KEY${d}\n`],
  ["8 MB of base64 with no END", begin + `${"A".repeat(64)}\n`.repeat(120_000)],
])("does not let a file of %s stall the scan", (_name, text) => {
  const started = performance.now();
  expect(findSecretMaterial(new TextEncoder().encode(text))).toEqual([]);
  expect(performance.now() - started).toBeLessThan(1000);
});

it("still finds every real key among many, with their line numbers", () => {
  const key = run("openssl", ["genpkey", "-algorithm", "ed25519"]).toString();
  const text = `intro\n${key}middle\n${key}`.repeat(500);
  const started = performance.now();
  const blocks = findSecretMaterial(new TextEncoder().encode(text));
  expect(performance.now() - started).toBeLessThan(1000);
  expect(blocks).toHaveLength(1000);
  const linesPerRepeat = text.split("\n").length / 500;
  expect(blocks[0]).toEqual({ kind: "PRIVATE KEY", line: 2 });
  expect(blocks[2]!.line).toBe(2 + Math.floor(linesPerRepeat));
});
