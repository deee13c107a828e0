import { isManagedPath } from "./classify-path.js";

/**
 * Files that cannot run with the bot's key (DESIGN 4.1 "Code that runs with the bot's key is
 * privileged"): documentation, the tests and the bench (run by developers and CI, never with the
 * key), and the configuration of the developers' tools. Every other file that is not a managed
 * PKI file is code — the source, `bin/`, what npm installs (`package.json`, `.npmrc`, even a
 * committed `node_modules/`), `.env` (Probot loads it at start), workflows, `.ci/`, `app.yml`,
 * deployment files — because a list of what is code always forgets something. A pull request
 * touching code needs maintainer approval even though no kaws rule can judge it.
 */
export const NOT_CODE_FOLDERS: readonly string[] = ["docs/", "test/", "bench/", ".github/ISSUE_TEMPLATE/"];
export const NOT_CODE_FILES: readonly string[] = [
  "LICENSE",
  ".gitignore",
  ".prettierrc.json",
  ".prettierignore",
  "eslint.config.js",
  "vitest.config.ts",
  ".env.example",
];

const files = new Set(NOT_CODE_FILES);

/** Exact spelling only: a look-alike (`Docs/`, `README.MD.js`) is code (fails closed). */
export function isCodePath(path: string): boolean {
  if (isManagedPath(path)) return false;
  if (path.endsWith(".md") || files.has(path)) return false;
  return !NOT_CODE_FOLDERS.some((folder) => path.startsWith(folder));
}
