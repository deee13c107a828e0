import { homedir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it, vi } from "vitest";
import { adminKeyPath } from "../../src/cli/admin-paths.js";

afterEach(() => vi.unstubAllEnvs());

it("keeps a private key under ~/.kaws when KAWS_HOME is empty, never in the current directory", () => {
  vi.stubEnv("KAWS_HOME", "");
  expect(adminKeyPath("/work/keys-repo", "prod", "carol")).toBe(
    join(homedir(), ".kaws", "keys-repo", "prod", "carol-key.pem"),
  );
});

it("refuses a key folder inside the repository", () => {
  expect(() => adminKeyPath("/work/keys-repo", "prod", "carol", "/work/keys-repo/keys")).toThrow(
    "refusing to keep a private key inside the repository",
  );
});
