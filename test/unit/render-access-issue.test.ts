import { expect, it } from "vitest";
import type { AccessPicture, AdminAccess } from "../../src/core/report/access-picture.js";
import { renderAccessIssue } from "../../src/core/report/render-access-issue.js";

function admin(login: string, groups: string[], status: "valid" | "expiring" = "valid"): AdminAccess {
  return {
    login,
    groups,
    key: { fingerprint: "A".repeat(40), algorithm: "Ed25519" },
    certificate: {
      path: `clusters/prod/admins/${login}.pem`,
      serial: "01ab",
      notBefore: "2026-01-01T00:00:00.000Z",
      notAfter: "2026-04-01T00:00:00.000Z",
      daysLeft: 10,
      status,
      fingerprintSha256: "00",
      keyAlgorithm: "ECDSA P-256",
    },
    approval: { approvers: ["dave"], commit: "c", author: "kaws-bot[bot]", csrSha256: "00" },
  };
}

const picture = (admins: AdminAccess[]): AccessPicture => ({
  version: 1,
  generatedAt: "2026-03-20T00:00:00.000Z",
  commit: "f".repeat(40),
  warnDays: { admin: 14, cluster: 60 },
  clusters: [{ name: "prod", certificates: [], admins, pending: [] }],
});

it("keeps every text from the tree inert: no broken table, no mention, no link, no markup", () => {
  const body = renderAccessIssue(
    picture([
      admin("mallory", ["a|b", "`@acme/admins`", "<img src=x>", "[x](https://evil.example)", "line\nbreak"]),
    ]),
  );
  const row = body.split("\n").find((line) => line.startsWith("| `mallory` |"))!;
  expect(row.split(" | ")).toHaveLength(6); // six cells, whatever the groups hold
  expect(row).toContain("`a?b`");
  expect(row).toContain("`?@acme/admins?`"); // inside a code span: GitHub mentions nobody
  expect(row).toContain("`<img src=x>`");
  expect(row).toContain("`[x](https://evil.example)`");
  expect(row).toContain("`line?break`");
});

it("keeps only what needs attention when the whole list would not fit in an issue", () => {
  const admins = Array.from({ length: 3000 }, (_, i) =>
    admin(`admin-${i}`, ["developers"], i === 7 ? "expiring" : "valid"),
  );
  const body = renderAccessIssue(picture(admins));
  expect(body.length).toBeLessThanOrEqual(60_000);
  expect(body).toContain("| `prod` | 3000 | 1 | 0 | 0 |");
  expect(body).toContain("Too many admins to list here");
  expect(body).toContain("| `admin-7` |");
  expect(body).not.toContain("| `admin-8` |");
});
