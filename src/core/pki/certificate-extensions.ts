import {
  childrenOf,
  contentOf,
  decodeOid,
  decodeString,
  readSingleNode,
  toHex,
  type DerNode,
} from "./der.js";

export const OID = {
  basicConstraints: "2.5.29.19",
  keyUsage: "2.5.29.15",
  extKeyUsage: "2.5.29.37",
  subjectKeyId: "2.5.29.14",
  authorityKeyId: "2.5.29.35",
  subjectAltName: "2.5.29.17",
  serverAuth: "1.3.6.1.5.5.7.3.1",
  clientAuth: "1.3.6.1.5.5.7.3.2",
} as const;

/** Key usage bits, numbered as in RFC 5280 (digitalSignature = 1 << 0 … decipherOnly = 1 << 8). */
export const KEY_USAGE = {
  digitalSignature: 1,
  nonRepudiation: 2,
  keyEncipherment: 4,
  dataEncipherment: 8,
  keyAgreement: 16,
  keyCertSign: 32,
  cRLSign: 64,
} as const;

/** The extensions the rules judge, decoded; anything else is listed by OID. */
export interface CertificateExtensions {
  readonly oids: string[];
  readonly basicConstraints: { ca: boolean; pathLength?: number; critical: boolean } | null;
  readonly keyUsage: { flags: number; critical: boolean } | null;
  readonly extKeyUsage: string[] | null;
  readonly subjectKeyId: string | null;
  readonly authorityKeyId: string | null;
  readonly subjectAltName: { dns: string[]; ip: string[] } | null;
}

/** Decode a SEQUENCE OF Extension (for a certificate, the content of its [3] field). */
export function decodeExtensions(der: Uint8Array, list: DerNode | undefined): CertificateExtensions {
  const result: { -readonly [K in keyof CertificateExtensions]: CertificateExtensions[K] } = {
    oids: [],
    basicConstraints: null,
    keyUsage: null,
    extKeyUsage: null,
    subjectKeyId: null,
    authorityKeyId: null,
    subjectAltName: null,
  };
  for (const extension of list ? childrenOf(der, list) : []) {
    const parts = childrenOf(der, extension);
    const oid = decodeOid(contentOf(der, parts[0]!));
    const critical = parts.length === 3 && parts[1]!.tag === 0x01 && der[parts[1]!.contentStart] !== 0;
    const valueNode = parts[parts.length - 1]!;
    if (valueNode.tag !== 0x04) throw new Error("an extension value is not an OCTET STRING");
    const value = contentOf(der, valueNode);
    if (result.oids.includes(oid)) throw new Error(`extension ${oid} appears twice`);
    result.oids.push(oid);
    switch (oid) {
      case OID.basicConstraints:
        result.basicConstraints = { ...decodeBasicConstraints(value), critical };
        break;
      case OID.keyUsage:
        result.keyUsage = { flags: decodeBitString(value), critical };
        break;
      case OID.extKeyUsage:
        result.extKeyUsage = childrenOf(value, readSingleNode(value)).map((node) =>
          decodeOid(contentOf(value, node)),
        );
        break;
      case OID.subjectKeyId:
        result.subjectKeyId = toHex(contentOf(value, readSingleNode(value)));
        break;
      case OID.authorityKeyId: {
        const keyId = childrenOf(value, readSingleNode(value)).find((node) => node.tag === 0x80);
        result.authorityKeyId = keyId ? toHex(contentOf(value, keyId)) : null;
        break;
      }
      case OID.subjectAltName:
        result.subjectAltName = decodeSubjectAltName(value);
        break;
    }
  }
  return result;
}

function decodeBasicConstraints(value: Uint8Array): { ca: boolean; pathLength?: number } {
  const fields = childrenOf(value, readSingleNode(value));
  const caField = fields.find((node) => node.tag === 0x01);
  const pathField = fields.find((node) => node.tag === 0x02);
  const ca = caField !== undefined && value[caField.contentStart] !== 0;
  if (pathField === undefined) return { ca };
  let pathLength = 0;
  for (const byte of contentOf(value, pathField)) pathLength = pathLength * 256 + byte;
  return { ca, pathLength };
}

function decodeBitString(value: Uint8Array): number {
  const node = readSingleNode(value);
  if (node.tag !== 0x03) throw new Error("keyUsage is not a BIT STRING");
  const bits = contentOf(value, node).subarray(1);
  let flags = 0;
  for (let i = 0; i < Math.min(bits.length * 8, 16); i++)
    if ((bits[i >> 3]! >> (7 - (i & 7))) & 1) flags |= 1 << i;
  return flags;
}

function decodeSubjectAltName(value: Uint8Array): { dns: string[]; ip: string[] } {
  const names = { dns: [] as string[], ip: [] as string[] };
  for (const node of childrenOf(value, readSingleNode(value))) {
    const content = contentOf(value, node);
    if (node.tag === 0x82) names.dns.push(decodeString(0x16, content));
    else if (node.tag === 0x87) names.ip.push(formatIp(content));
    else names.dns.push(`(unsupported name type ${node.tag & 0x1f})`);
  }
  return names;
}

function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return [...bytes].join(".");
  if (bytes.length === 16) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
    return groups.join(":");
  }
  return `(invalid address of ${bytes.length} bytes)`;
}
