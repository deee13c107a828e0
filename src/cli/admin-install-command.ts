import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { Document, isMap, isSeq, parseDocument, type YAMLSeq } from "yaml";
import { parseClusterSpec } from "../core/config/cluster-spec.js";
import { clusterFile } from "../core/tree/classify-path.js";
import { adminKeyPath } from "./admin-paths.js";
import { chooseInstallKey } from "./choose-install-key.js";
import { CliError } from "./cli-error.js";
import type { Output } from "./print-findings.js";
import { writeFileAtomically } from "./write-file-safely.js";

export interface AdminInstallOptions {
  readonly repo: string;
  readonly cluster: string;
  readonly login: string;
  readonly server?: string;
  readonly keyPath?: string;
  readonly keyDir?: string;
  readonly kubeconfig?: string;
}

type Named = { name: string; [key: string]: unknown };

/**
 * `kaws admin install`: a kubeconfig context `kaws-<cluster>-<login>` with the cluster CA, the issued
 * certificate, and a reference to the private key file (the key is not copied). Other entries of
 * the kubeconfig are kept; the file is written atomically, mode 0600.
 */
export async function adminInstallCommand(options: AdminInstallOptions, out: Output): Promise<number> {
  const { repo, cluster, login } = options;
  const read = async (path: string, missing: string) => {
    try {
      return await readFile(join(repo, path));
    } catch {
      throw new CliError(missing);
    }
  };
  const ca = await read(
    clusterFile.cert(cluster, "ca"),
    `${clusterFile.cert(cluster, "ca")} is missing: is "${cluster}" a cluster of this repository?`,
  );
  const certificate = await read(
    clusterFile.adminCert(cluster, login),
    `${clusterFile.adminCert(cluster, login)} is missing: the bot issues it once your request is approved and merged (pull first)`,
  );
  const spec = parseClusterSpec(
    new Uint8Array(await read(clusterFile.spec(cluster), `${clusterFile.spec(cluster)} is missing`)),
    clusterFile.spec(cluster),
  );
  const server = options.server ?? `https://${spec.api_domain}`;
  const host = new URL(server).hostname;
  const kubeconfig =
    options.kubeconfig ?? process.env.KUBECONFIG?.split(delimiter)[0] ?? join(homedir(), ".kube", "config");

  const document = await readKubeconfig(kubeconfig);
  // only once the kubeconfig reads: choosing the renewed key renames it over the current one
  const { keyPath, notes } = await chooseInstallKey({
    certificate: new Uint8Array(certificate),
    certificatePath: clusterFile.adminCert(cluster, login),
    keyPath: adminKeyPath(repo, cluster, login, options.keyDir),
    explicit: options.keyPath,
  });
  const name = `kaws-${cluster}`;
  const user = `kaws-${cluster}-${login}`;
  const clusterEntry: Record<string, unknown> = {
    server,
    "certificate-authority-data": ca.toString("base64"),
  };
  if (host !== spec.api_domain) clusterEntry["tls-server-name"] = spec.api_domain; // check the SANs of master.pem
  upsert(document, "clusters", { name, cluster: clusterEntry });
  upsert(document, "users", {
    name: user,
    user: { "client-certificate-data": certificate.toString("base64"), "client-key": keyPath },
  });
  upsert(document, "contexts", { name: user, context: { cluster: name, user } });
  if (!document.get("current-context")) document.set("current-context", user);
  await writeFileAtomically(kubeconfig, document.toString(), 0o600);
  for (const note of notes) out.write(`${note}\n`);
  // the hint names the file when kubectl would not find it by itself
  const flag = options.kubeconfig === undefined ? "" : ` --kubeconfig ${options.kubeconfig}`;
  out.write(
    `wrote context ${user} to ${kubeconfig} (server ${server}${host !== spec.api_domain ? `, TLS name ${spec.api_domain}` : ""})\ntry: kubectl${flag} --context ${user} get nodes\n`,
  );
  return 0;
}

/**
 * The kubeconfig as it is, to be edited in place (its comments, order and other entries kept), or a
 * new one when there is none yet.
 */
async function readKubeconfig(kubeconfig: string): Promise<Document> {
  let text: string;
  try {
    text = await readFile(kubeconfig, "utf8");
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code !== "ENOENT")
      throw new CliError(`cannot read ${kubeconfig}: ${(cause as Error).message}`);
    return new Document({
      apiVersion: "v1",
      kind: "Config",
      clusters: [],
      users: [],
      contexts: [],
      preferences: {},
    });
  }
  const document = parseDocument(text);
  if (document.errors.length > 0 || (document.contents !== null && !isMap(document.contents)))
    throw new CliError(`${kubeconfig} is not a valid kubeconfig: fix it or pass --kubeconfig`);
  return document;
}

/** Replace the entry of this name in a kubeconfig list, or add it at the end. */
function upsert(document: Document, list: string, entry: Named): void {
  let entries = document.get(list);
  if (!isSeq(entries)) {
    entries = document.createNode([]);
    document.set(list, entries);
  }
  const items = (entries as YAMLSeq).items;
  const index = items.findIndex((item) => isMap(item) && item.get("name") === entry.name);
  const node = document.createNode(entry);
  if (index === -1) items.push(node);
  else items[index] = node;
}
