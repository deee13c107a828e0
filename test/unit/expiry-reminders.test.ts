import { expect, it } from "vitest";
import { expiryReminders } from "../../src/core/lifecycle/expiry-reminders.js";
import { readCertificate } from "../../src/core/pki/read-certificate.js";
import { treeFromFiles } from "../../src/core/tree/repo-tree.js";
import { useRepo } from "../helpers/use-repo.js";

const { repo } = useRepo();
const DAY = 86_400_000;

function notAfter(pem: string): Date {
  const read = readCertificate(new TextEncoder().encode(pem));
  if (!read.ok) throw new Error(read.detail);
  return read.certificate.notAfter;
}

it("asks for nothing while every certificate has more than renew_before_days left", () => {
  const tree = treeFromFiles(repo().files as Record<string, string>);
  expect(expiryReminders(tree, new Date(repo().now.getTime() + 70 * DAY), 14)).toEqual([]);
});

it("reminds each admin with an ending certificate, and says when one has ended", () => {
  const files = repo().files as Record<string, string>;
  const end = notAfter(files["clusters/prod/admins/alice.pem"]!);
  const reminders = expiryReminders(treeFromFiles(files), new Date(end.getTime() + 1_000), 14);
  expect(reminders.map((r) => [r.topic, r.assignee])).toEqual([
    ["renew:alice", "alice"],
    ["renew:bob", "bob"],
  ]);
  expect(reminders[0]!.title).toBe(
    `kaws: @alice, your certificate expired on ${end.toISOString().slice(0, 10)}`,
  );
  expect(reminders[0]!.body).toContain(`| prod | ${end.toISOString()} (expired) |`);
});

it("asks a maintainer to rotate a cluster whose PKI ends within 60 days, and skips a certificate that does not read", () => {
  const files: Record<string, string> = {
    ...(repo().files as Record<string, string>),
    "clusters/prod/admins/zed.pem": "not a certificate",
  };
  const first = ["ca", "master", "node"]
    .map((role) => notAfter(files[`clusters/prod/${role}.pem`]!))
    .sort((a, b) => a.getTime() - b.getTime())[0]!;
  const reminders = expiryReminders(treeFromFiles(files), new Date(first.getTime() - 59 * DAY), 14);
  const rotate = reminders.find((r) => r.topic === "rotate:prod")!;
  expect(rotate.title).toBe(
    `kaws: rotate cluster prod: a certificate of its PKI expires on ${first.toISOString().slice(0, 10)}`,
  );
  expect(rotate.body).toContain("/kaws rotate prod");
  expect(rotate.assignee).toBeUndefined();
  expect(reminders.some((r) => r.topic === "renew:zed")).toBe(false);
  // 61 days ahead: not yet
  expect(
    expiryReminders(treeFromFiles(files), new Date(first.getTime() - 61 * DAY), 14).some((r) =>
      r.topic.startsWith("rotate:"),
    ),
  ).toBe(false);
});
