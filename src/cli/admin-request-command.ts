import { pubkeyPath, clusterFile } from "../core/tree/classify-path.js";
import { adminKeyPath } from "./admin-paths.js";
import type { Output } from "./print-findings.js";
import { requestNextSteps, requireCluster, writeSignedRequest } from "./write-signed-request.js";

export interface AdminRequestOptions {
  readonly repo: string;
  readonly cluster: string;
  readonly login: string;
  readonly groups: string[];
  readonly gpgKey?: string;
  readonly keyDir?: string;
}

/**
 * `kaws admin request`: a new private key (outside the repository, mode 0600), its CSR in
 * `clusters/C/admins/L.csr`, and a detached signature made by the user's own gpg. Nothing is
 * written unless everything succeeded; an existing key is never overwritten.
 */
export async function adminRequestCommand(options: AdminRequestOptions, out: Output): Promise<number> {
  const { repo, cluster, login } = options;
  await requireCluster(repo, cluster);
  const keyPath = adminKeyPath(repo, cluster, login, options.keyDir);
  const written = await writeSignedRequest({ ...options, keyPath });
  const lines = [
    `private key: ${keyPath} (mode 0600; it never leaves this machine)`,
    ...written,
    ...(await requestNextSteps(options, [
      pubkeyPath(login),
      clusterFile.csr(cluster, login),
      clusterFile.csrSignature(cluster, login),
    ])),
    "  commit, push, and open a pull request; a maintainer approves it, and the bot issues your certificate when it merges",
    `  then: npx kaws admin install --cluster ${cluster} --login ${login}`,
  ];
  out.write(`${lines.join("\n")}\n`);
  return 0;
}
