import { runGit } from "./run-git.js";

/** The commit id of `ref` in `repo`, or null when there is none (no such ref, no commit yet, no repository). */
export async function resolveCommit(repo: string, ref: string): Promise<string | null> {
  if (ref.startsWith("-")) return null;
  try {
    const sha = (
      await runGit(repo, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`])
    )
      .toString("utf8")
      .trim();
    return sha === "" ? null : sha;
  } catch {
    return null;
  }
}
