/**
 * Files whose content runs with the bot's key, or decides what runs with it (DESIGN 4.1 "Code that
 * runs with the bot's key is privileged"): the bot's and the CLI's source, what npm installs and
 * how tsx compiles it, the workflows and actions that hold the key, the CI entry point, the app
 * manifest and the deployment files. A pull request touching one is a code change: it needs
 * maintainer approval even though no kaws rule can judge it.
 */
export const CODE_FOLDERS: readonly string[] = [
  "src/",
  "bin/",
  ".github/workflows/",
  ".github/actions/",
  ".ci/",
];
export const CODE_FILES: readonly string[] = [
  "package.json",
  "package-lock.json",
  ".npmrc",
  "tsconfig.json",
  "app.yml",
  "Dockerfile",
  "serverless.yml",
];

const folders = CODE_FOLDERS.map((folder) => folder.toLowerCase());
const files = new Set(CODE_FILES.map((file) => file.toLowerCase()));

/** Compared without case: a look-alike spelling is treated as code too (fails closed). */
export function isCodePath(path: string): boolean {
  const lower = path.toLowerCase();
  return files.has(lower) || folders.some((folder) => lower.startsWith(folder));
}
