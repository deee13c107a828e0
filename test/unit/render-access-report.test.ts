/* eslint-disable no-control-regex -- these tests look for control characters */
import { describe, expect, it } from "vitest";
import type { AccessPicture, AdminAccess } from "../../src/core/report/access-picture.js";
import { renderAccessHtml } from "../../src/core/report/render-access-html.js";
import { renderAccessTable } from "../../src/core/report/render-access-table.js";

const MARKUP = `"><script>alert(1)</script><img src=x onerror=alert(2)>`;
const TERMINAL = "ops\u001b[2J\u001b]8;;http://evil.test\u0007click\u202eexe.txt";

/** A picture whose every text field is hostile: the renderers must not trust what the tree says. */
function hostilePicture(text: string): AccessPicture {
  const certificate = {
    serial: "0a1b",
    notBefore: "2026-01-01T00:00:00.000Z",
    notAfter: "2026-02-01T00:00:00.000Z",
    daysLeft: -3,
    status: "expired" as const,
  };
  const admin: AdminAccess = {
    login: `l${text}`,
    groups: [`g${text}`],
    key: { fingerprint: `f${text}`, algorithm: `a${text}` },
    certificate: { ...certificate, path: `p${text}`, fingerprintSha256: "AB", keyAlgorithm: `k${text}` },
    approval: { approvers: [`r${text}`], commit: `c${text}`, author: `w${text}`, csrSha256: "00" },
  };
  return {
    version: 1,
    generatedAt: "2026-02-04T00:00:00.000Z",
    commit: `x${text}`,
    warnDays: { admin: 14, cluster: 60 },
    clusters: [
      {
        name: `n${text}`,
        certificates: [{ role: "ca", path: `p${text}`, ...certificate }],
        admins: [admin],
        pending: [
          {
            login: `q${text}`,
            groups: [`g${text}`],
            key: null,
            path: `p${text}`,
            csrSha256: `s${text}`,
            keyAlgorithm: `k${text}`,
          },
        ],
      },
    ],
  };
}

describe("renderAccessHtml", () => {
  it("escapes every text from the tree: no element, attribute or script of theirs survives", () => {
    const html = renderAccessHtml(hostilePicture(MARKUP));
    expect(html).not.toContain("<script");
    expect(html).not.toContain("<img");
    expect(html).toContain("&#60;script&#62;alert(1)&#60;/script&#62;");
    // each hostile field is there once escaped: login (table and timeline), group, cluster name…
    const escaped = "&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;&#60;img src=x onerror=alert(2)&#62;";
    for (const field of ["l", "g", "f", "a", "k", "r", "n", "q", "s"])
      expect(html, `field ${field}`).toContain(`${field}${escaped}`);
  });

  it("replaces control characters and bidi overrides", () => {
    const html = renderAccessHtml(hostilePicture(TERMINAL));
    expect(html).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u202e]/);
    expect(html).toContain("ops?[2J?]8;;http://evil.test?click?exe.txt");
  });
});

describe("renderAccessTable", () => {
  it("prints no terminal control sequence from the tree, in colour or not", () => {
    for (const colour of [false, true]) {
      const table = renderAccessTable(hostilePicture(TERMINAL), colour);
      // the only escapes left are the table's own colours: ESC followed by [ digits m
      expect(table.replace(/\u001b\[\d+m/g, "")).not.toMatch(
        /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/,
      );
      expect(table).toContain("lops?[2J?]8;;http://evil.test?click?exe.txt");
    }
  });
});
