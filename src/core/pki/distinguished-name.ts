import { childrenOf, contentOf, decodeOid, decodeString, type DerNode } from "./der.js";

export interface DistinguishedName {
  /** Each attribute as "OID=value", in order: equal names compare equal. */
  readonly canonical: string;
  readonly commonNames: string[];
  readonly organizations: string[];
  /** Every attribute other than CN and O, as "TYPE=value". */
  readonly others: string[];
}

const CN = "2.5.4.3";
const O = "2.5.4.10";
const SHORT: Record<string, string> = {
  "2.5.4.6": "C",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.11": "OU",
  "2.5.4.5": "serialNumber",
  "1.2.840.113549.1.9.1": "emailAddress",
};

/** An X.501 Name (SEQUENCE OF SET OF AttributeTypeAndValue). */
export function readName(der: Uint8Array, name: DerNode): DistinguishedName {
  const canonical: string[] = [];
  const commonNames: string[] = [];
  const organizations: string[] = [];
  const others: string[] = [];
  for (const rdn of childrenOf(der, name)) {
    for (const attribute of childrenOf(der, rdn)) {
      const [type, value] = childrenOf(der, attribute);
      if (type === undefined || value === undefined) throw new Error("a malformed name attribute");
      const oid = decodeOid(contentOf(der, type));
      const text = decodeString(value.tag, contentOf(der, value));
      canonical.push(`${oid}=${JSON.stringify(text)}`);
      if (oid === CN) commonNames.push(text);
      else if (oid === O) organizations.push(text);
      else others.push(`${SHORT[oid] ?? oid}=${text}`);
    }
  }
  return { canonical: canonical.join(","), commonNames, organizations, others };
}
