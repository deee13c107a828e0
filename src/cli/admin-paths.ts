import { homedir } from "node:os";
import { basename, join, relative, resolve } from "node:path";
import { isValidClusterName, isValidLogin } from "../core/tree/classify-path.js";
import { CliError } from "./cli-error.js";

/** Where an admin's private key lives: outside the repository, under KAWS_HOME (default ~/.kaws). */
export function adminKeyPath(repo: string, cluster: string, login: string, keyDir?: string): string {
  // an empty KAWS_HOME= is unset, never "the current directory"
  const root = resolve(keyDir || process.env.KAWS_HOME || join(homedir(), ".kaws"));
  const path = join(root, basename(resolve(repo)), cluster, `${login}-key.pem`);
  const inside = relative(resolve(repo), path);
  if (!inside.startsWith("..") && !inside.startsWith("/")) {
    throw new CliError(
      `refusing to keep a private key inside the repository (${path}): choose another --key-dir`,
    );
  }
  return path;
}

/**
 * Where `kaws admin renew` puts the new private key: beside the current one, under another name,
 * so the current key keeps working until `kaws admin install` installs the renewed certificate.
 */
export function renewalKeyPath(currentKeyPath: string): string {
  return currentKeyPath.replace(/-key\.pem$/, "-key.next.pem");
}

export function checkAdminArguments(
  cluster: string | undefined,
  login: string | undefined,
): { cluster: string; login: string } {
  if (!cluster || !login) throw new CliError("this command needs --cluster C --login L");
  const lower = login.toLowerCase();
  if (!isValidLogin(lower)) throw new CliError(`"${login}" is not a GitHub login`);
  if (!isValidClusterName(cluster))
    throw new CliError(`"${cluster}" is not a cluster name (lower-case letters, digits, hyphens)`);
  return { cluster, login: lower };
}
