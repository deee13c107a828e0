import { decryptMessage, readDecryptionKey } from "../core/openpgp/decrypt-message.js";
import { keyMatchesCertificate } from "../core/pki/key-matches-certificate.js";
import type { MachineRole } from "../core/provision/ingress-rule.js";
import { ROLE_PKI } from "../core/provision/pki-generation.js";
import { roleUserData } from "../core/provision/role-user-data.js";
import { clusterFile } from "../core/tree/classify-path.js";
import type { RepoTree } from "../core/tree/repo-tree.js";
import { CliError } from "./cli-error.js";

/** EC2 takes at most 16 KiB of user-data, before base64. */
const USER_DATA_LIMIT = 16 * 1024;

/**
 * The user-data of a role's new instance. For masters and nodes the role's key is opened with the
 * bot's key, here in memory only, and must match the role's certificate; it is never printed.
 */
export async function roleUserDataFromTree(
  tree: RepoTree,
  cluster: string,
  role: MachineRole,
  keys: { readonly botKey?: string; readonly botKeyPassphrase?: string },
): Promise<string> {
  if (role === "bastion") return roleUserData(role, cluster, null);
  const pkiRole = ROLE_PKI[role];
  const read = (path: string) => {
    const bytes = tree.get(path)?.bytes;
    if (bytes === undefined) throw new CliError(`${path} is missing`, 1);
    return bytes;
  };
  if (keys.botKey === undefined)
    throw new CliError(
      `launching ${role} needs their key from ${clusterFile.key(cluster, pkiRole)}, opened with the bot's key: set KAWS_BOT_KEY (and KAWS_BOT_KEY_PASSPHRASE if it has one)`,
      1,
    );
  let privateKey: Uint8Array;
  try {
    const botKey = await readDecryptionKey(keys.botKey, keys.botKeyPassphrase);
    privateKey = await decryptMessage(read(clusterFile.key(cluster, pkiRole)), botKey);
  } catch (cause) {
    if (cause instanceof CliError) throw cause;
    throw new CliError(
      `the bot's key (KAWS_BOT_KEY) cannot open ${clusterFile.key(cluster, pkiRole)}: ${(cause as Error).message}; is it the key of .github/kaws-bot.asc, and is the file encrypted to it?`,
      1,
    );
  }
  const certificate = read(clusterFile.cert(cluster, pkiRole));
  if (!keyMatchesCertificate(privateKey, certificate))
    throw new CliError(
      `${clusterFile.key(cluster, pkiRole)} does not hold the key of ${clusterFile.cert(cluster, pkiRole)}: rotate the cluster (\`/kaws rotate ${cluster}\`)`,
      1,
    );
  const userData = roleUserData(role, cluster, {
    ca: read(clusterFile.cert(cluster, "ca")),
    certificate,
    privateKey,
  });
  privateKey.fill(0);
  if (Buffer.byteLength(userData, "base64") > USER_DATA_LIMIT)
    throw new CliError(
      `the ${role} user-data would exceed EC2's 16 KiB: ${clusterFile.cert(cluster, pkiRole)} and its key are too large`,
      1,
    );
  return userData;
}
