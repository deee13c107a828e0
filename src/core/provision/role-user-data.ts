import type { MachineRole } from "./ingress-rule.js";

/** Where a machine finds its PKI. */
export const PKI_DIR = "/etc/kubernetes/ssl";

export interface RolePki {
  readonly ca: Uint8Array;
  readonly certificate: Uint8Array;
  /** The role's private key, decrypted in memory by the command that launches the instance. */
  readonly privateKey: Uint8Array;
}

/**
 * The user-data a role's instance is launched with: cloud-config that writes the CA, the role's
 * certificate and its key (mode 0600) under /etc/kubernetes/ssl. The bastion gets no PKI.
 * Returned as base64, as RunInstances takes it.
 */
export function roleUserData(role: MachineRole, cluster: string, pki: RolePki | null): string {
  const lines = ["#cloud-config", `# kaws cluster ${cluster}, role ${role}`];
  if (pki !== null) {
    const name = role === "masters" ? "master" : "node";
    const file = (path: string, bytes: Uint8Array, permissions: string) => [
      `  - path: ${PKI_DIR}/${path}`,
      `    permissions: "${permissions}"`,
      `    owner: root:root`,
      `    encoding: b64`,
      `    content: ${Buffer.from(bytes).toString("base64")}`,
    ];
    lines.push(
      "write_files:",
      ...file("ca.pem", pki.ca, "0644"),
      ...file(`${name}.pem`, pki.certificate, "0644"),
      ...file(`${name}-key.pem`, pki.privateKey, "0600"),
    );
  }
  return Buffer.from(`${lines.join("\n")}\n`).toString("base64");
}
