import { readFileSync } from "node:fs";
import { join } from "node:path";
import { inject } from "vitest";
import { GpgHome } from "./gpg.js";
import { IDENTITY_SPECS } from "./identity-specs.js";

export type IdentityName = keyof typeof IDENTITY_SPECS;
export type Identities = Record<IdentityName, GpgHome>;

declare module "vitest" {
  export interface ProvidedContext {
    identitiesRoot: string;
  }
}

export function identities(): Identities {
  const root = inject("identitiesRoot");
  const manifest = JSON.parse(readFileSync(join(root, "identities.json"), "utf8")) as Record<
    string,
    { home: string; fingerprint: string }
  >;
  return Object.fromEntries(
    Object.entries(manifest).map(([name, id]) => [name, new GpgHome(id.home, id.fingerprint)]),
  ) as Identities;
}
