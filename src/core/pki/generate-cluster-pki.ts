import { x509 } from "./x509.js";
import { toPem } from "./pem.js";
import { BACKDATE_MS, DAY_MS } from "./client-profile.js";
import { defaultRandom, randomSerial } from "./signing-key.js";
import { masterSans, type ClusterSpec } from "../config/cluster-spec.js";
import type { ClusterRole } from "../tree/classify-path.js";

export const CA_DAYS = 3650;
export const COMPONENT_DAYS = 730;

/** A cluster's certificates and their private keys (PKCS#8 PEM, in memory only: encrypt them before writing). */
export interface ClusterPki {
  readonly certificates: Record<ClusterRole, string>;
  readonly privateKeys: Record<ClusterRole, Uint8Array>;
}

const EC = { name: "ECDSA", namedCurve: "P-256" } as const;
const SIGNING = { name: "ECDSA", hash: "SHA-256" } as const;

/**
 * Generate a cluster's CA, API server (master) and shared node certificates, all EC P-256:
 * the CA is CA:true with pathlen 0; master is serverAuth with the SANs of cluster.yml; node is clientAuth.
 */
export async function generateClusterPki(
  clusterName: string,
  spec: Pick<ClusterSpec, "api_domain" | "service_ip">,
  now: Date,
  random: (length: number) => Uint8Array = defaultRandom,
): Promise<ClusterPki> {
  const subtle = globalThis.crypto.subtle;
  const [caKeys, masterKeys, nodeKeys] = (await Promise.all(
    [0, 1, 2].map(() => subtle.generateKey(EC, true, ["sign", "verify"]) as Promise<CryptoKeyPair>),
  )) as [CryptoKeyPair, CryptoKeyPair, CryptoKeyPair];
  const notBefore = new Date(now.getTime() - BACKDATE_MS);
  const caName: x509.JsonName = [{ CN: [`kaws ${clusterName} CA`] }, { O: ["kaws"] }];
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(random),
    name: caName,
    notBefore,
    notAfter: new Date(now.getTime() + CA_DAYS * DAY_MS),
    keys: caKeys,
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const sans = masterSans(spec);
  const component = async (keys: CryptoKeyPair, subject: x509.JsonName, extensions: x509.Extension[]) =>
    x509.X509CertificateGenerator.create({
      serialNumber: randomSerial(random),
      subject,
      issuer: caName,
      notBefore,
      notAfter: new Date(now.getTime() + COMPONENT_DAYS * DAY_MS),
      publicKey: keys.publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm: SIGNING,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
          true,
        ),
        ...extensions,
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
        await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
      ],
    });
  const master = await component(
    masterKeys,
    [{ CN: ["kube-apiserver"] }],
    [
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
      new x509.SubjectAlternativeNameExtension([
        ...sans.dns.map((value) => ({ type: "dns" as const, value })),
        ...sans.ip.map((value) => ({ type: "ip" as const, value })),
      ]),
    ],
  );
  const node = await component(
    nodeKeys,
    [{ CN: ["kaws-node"] }, { O: ["system:nodes"] }],
    [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth], false)],
  );
  const exportKey = async (keys: CryptoKeyPair) =>
    new TextEncoder().encode(toPem("PRIVATE KEY", await subtle.exportKey("pkcs8", keys.privateKey)));
  return {
    certificates: {
      ca: toPem("CERTIFICATE", ca.rawData),
      master: toPem("CERTIFICATE", master.rawData),
      node: toPem("CERTIFICATE", node.rawData),
    },
    privateKeys: {
      ca: await exportKey(caKeys),
      master: await exportKey(masterKeys),
      node: await exportKey(nodeKeys),
    },
  };
}
