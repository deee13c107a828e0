import { readFile, rename } from "node:fs/promises";
import { keyMatchesCertificate } from "../core/pki/key-matches-certificate.js";
import { renewalKeyPath } from "./admin-paths.js";
import { CliError } from "./cli-error.js";

export interface InstallKey {
  /** The private key the kubeconfig names. */
  readonly keyPath: string;
  readonly notes: string[];
}

/**
 * The private key of the certificate `kaws admin install` installs: `--key FILE` when given, else
 * the admin's key — or, after `kaws admin renew`, the renewed key beside it, which then takes the
 * key's name (the previous key belonged to a certificate the repository no longer holds). A key
 * that is not the certificate's is refused: kubectl would fail with a TLS error instead.
 */
export async function chooseInstallKey(input: {
  certificate: Uint8Array;
  certificatePath: string;
  keyPath: string;
  explicit?: string;
}): Promise<InstallKey> {
  const { certificate, certificatePath, keyPath, explicit } = input;
  if (explicit !== undefined) {
    const key = await readKey(explicit);
    if (key === null) throw new CliError(`your private key ${explicit} is missing`);
    if (!keyMatchesCertificate(key, certificate))
      throw new CliError(`${explicit} is not the private key of ${certificatePath}`);
    return { keyPath: explicit, notes: [] };
  }
  const nextPath = renewalKeyPath(keyPath);
  const [current, next] = await Promise.all([readKey(keyPath), readKey(nextPath)]);
  if (current === null && next === null)
    throw new CliError(
      `your private key ${keyPath} is missing: pass --key FILE (the key made by \`kaws admin request\`)`,
    );
  if (current !== null && keyMatchesCertificate(current, certificate)) {
    const waiting =
      next === null ? [] : [`${nextPath} (a renewal) waits for its certificate: pull, then run this again`];
    return { keyPath, notes: waiting };
  }
  if (next !== null && keyMatchesCertificate(next, certificate)) {
    await rename(nextPath, keyPath);
    const replaced =
      current === null ? "" : ", replacing the previous key (its certificate is no longer in the repository)";
    return { keyPath, notes: [`renewed key put to use: ${nextPath} is now ${keyPath}${replaced}`] };
  }
  throw new CliError(
    `${[current === null ? null : keyPath, next === null ? null : nextPath].filter(Boolean).join(" and ")} ${current !== null && next !== null ? "are" : "is"} not the private key of ${certificatePath}: pull the certificate issued for your latest request, or pass --key FILE`,
  );
}

async function readKey(path: string): Promise<Uint8Array | null> {
  try {
    return new Uint8Array(await readFile(path));
  } catch {
    return null;
  }
}
