/**
 * What a path in the repository is, by the layout of DESIGN section 2. Everything under `pubkeys/`,
 * `clusters/` and `.github/kaws*` is managed; a managed path that matches no known shape is "unexpected".
 */
export type ManagedPath =
  | { kind: "pubkey"; login: string }
  | { kind: "config" }
  | { kind: "bot-key" }
  | { kind: "readme" }
  | { kind: "cluster-spec"; cluster: string }
  | { kind: "cluster-cert"; cluster: string; role: ClusterRole }
  | { kind: "cluster-key"; cluster: string; role: ClusterRole }
  | { kind: "admin-csr"; cluster: string; login: string }
  | { kind: "admin-csr-signature"; cluster: string; login: string }
  | { kind: "admin-cert"; cluster: string; login: string }
  | { kind: "unexpected"; reason: string };

export type ClusterRole = "ca" | "master" | "node";
export const CLUSTER_ROLES: readonly ClusterRole[] = ["ca", "master", "node"];

/** GitHub logins: 1-39 alphanumerics or single hyphens, not starting or ending with a hyphen. Stored lower-case. */
const LOGIN = /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){0,38}$/;
/** Cluster names become AWS tags and DNS-like labels. */
const CLUSTER = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export function isValidLogin(login: string): boolean {
  return LOGIN.test(login);
}

export function isValidClusterName(name: string): boolean {
  return CLUSTER.test(name);
}

export function isManagedPath(path: string): boolean {
  return path.startsWith("pubkeys/") || path.startsWith("clusters/") || path.startsWith(".github/kaws");
}

export function classifyPath(path: string): ManagedPath | null {
  if (!isManagedPath(path)) return null;
  if (path === ".github/kaws.yml") return { kind: "config" };
  if (path === ".github/kaws-bot.asc") return { kind: "bot-key" };
  if (path.startsWith(".github/")) {
    return { kind: "unexpected", reason: "only .github/kaws.yml and .github/kaws-bot.asc are known" };
  }
  const parts = path.split("/");
  if (parts[0] === "pubkeys") return classifyPubkeyPath(parts);
  return classifyClusterPath(parts);
}

function classifyPubkeyPath(parts: string[]): ManagedPath {
  if (parts.length !== 2) return { kind: "unexpected", reason: "pubkeys/ holds files only, no folders" };
  const name = parts[1] as string;
  if (name === "README.md") return { kind: "readme" };
  const match = /^(.+)\.asc$/.exec(name);
  if (!match) return { kind: "unexpected", reason: "a public key file is named <login>.asc" };
  const login = match[1] as string;
  if (!isValidLogin(login)) {
    return { kind: "unexpected", reason: `"${login}" is not a lower-case GitHub login` };
  }
  return { kind: "pubkey", login };
}

function classifyClusterPath(parts: string[]): ManagedPath {
  if (parts.length === 2 && parts[1] === "README.md") return { kind: "readme" };
  const cluster = parts[1] as string;
  if (parts.length < 3) return { kind: "unexpected", reason: "clusters/ holds one folder per cluster" };
  if (!isValidClusterName(cluster)) {
    return {
      kind: "unexpected",
      reason: `"${cluster}" is not a valid cluster name (lower-case letters, digits, hyphens)`,
    };
  }
  if (parts.length === 3) return classifyClusterFile(cluster, parts[2] as string);
  if (parts.length === 4 && parts[2] === "admins") return classifyAdminFile(cluster, parts[3] as string);
  return { kind: "unexpected", reason: "a cluster folder holds its PKI files and admins/ only" };
}

function classifyClusterFile(cluster: string, name: string): ManagedPath {
  if (name === "cluster.yml") return { kind: "cluster-spec", cluster };
  for (const role of CLUSTER_ROLES) {
    if (name === `${role}.pem`) return { kind: "cluster-cert", cluster, role };
    if (name === `${role}-key.pem.asc`) return { kind: "cluster-key", cluster, role };
  }
  return { kind: "unexpected", reason: "not a file of the cluster layout" };
}

function classifyAdminFile(cluster: string, name: string): ManagedPath {
  const match = /^(.+?)\.(csr|csr\.asc|pem)$/.exec(name);
  if (!match)
    return { kind: "unexpected", reason: "admins/ holds <login>.csr, <login>.csr.asc and <login>.pem" };
  const login = match[1] as string;
  if (!isValidLogin(login)) {
    return { kind: "unexpected", reason: `"${login}" is not a lower-case GitHub login` };
  }
  const kind = { csr: "admin-csr", "csr.asc": "admin-csr-signature", pem: "admin-cert" } as const;
  return { kind: kind[match[2] as keyof typeof kind], cluster, login };
}

export const clusterFile = {
  spec: (cluster: string) => `clusters/${cluster}/cluster.yml`,
  cert: (cluster: string, role: ClusterRole) => `clusters/${cluster}/${role}.pem`,
  key: (cluster: string, role: ClusterRole) => `clusters/${cluster}/${role}-key.pem.asc`,
  csr: (cluster: string, login: string) => `clusters/${cluster}/admins/${login}.csr`,
  csrSignature: (cluster: string, login: string) => `clusters/${cluster}/admins/${login}.csr.asc`,
  adminCert: (cluster: string, login: string) => `clusters/${cluster}/admins/${login}.pem`,
};

export const pubkeyPath = (login: string) => `pubkeys/${login}.asc`;
export const CONFIG_PATH = ".github/kaws.yml";
export const BOT_KEY_PATH = ".github/kaws-bot.asc";
