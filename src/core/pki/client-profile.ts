import { x509 } from "./x509.js";

/** The extensions an admin (client) certificate has, and no others. */
export const CLIENT_PROFILE_EXTENSIONS = new Set([
  "2.5.29.19", // basicConstraints
  "2.5.29.15", // keyUsage
  "2.5.29.37", // extendedKeyUsage
  "2.5.29.14", // subjectKeyIdentifier
  "2.5.29.35", // authorityKeyIdentifier
]);

/** The subject of an admin certificate: CN is the login, one O per Kubernetes group. */
export function adminSubject(login: string, groups: readonly string[]): x509.JsonName {
  return [{ CN: [login] }, ...groups.map((group) => ({ O: [group] }))];
}

/** Clock skew tolerated between the bot and the API servers. */
export const BACKDATE_MS = 5 * 60 * 1000;
export const DAY_MS = 24 * 60 * 60 * 1000;
