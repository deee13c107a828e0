import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/**
 * Build dist/ when a source file is newer than the last build: bin/kaws.js would otherwise run the
 * TypeScript through tsx, and the whole-command lines would time tsx instead of what `npm ci` makes.
 */
export function ensureBuilt(projectRoot: string, log: (line: string) => void): void {
  const builtAt = modifiedAt(join(projectRoot, "dist", ".built"));
  const sources = readdirSync(join(projectRoot, "src"), { recursive: true, encoding: "utf8" });
  const newest = Math.max(
    ...sources
      .map((path) => statSync(join(projectRoot, "src", path)))
      .map((s) => (s.isFile() ? s.mtimeMs : 0)),
  );
  if (builtAt >= newest) return;
  log("dist/ is older than src/: npm run build");
  const build = spawnSync("npm", ["run", "build"], {
    cwd: projectRoot,
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (build.status !== 0) throw new Error("npm run build failed");
}

function modifiedAt(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}
