import type { KeySpec } from "./gpg.js";

/** The people every test can use: real GnuPG identities made once per run by test/global-setup.ts. */
export const IDENTITY_SPECS = {
  alice: "cv25519",
  bob: "rsa3072",
  carol: "cv25519",
  mallory: "cv25519",
  bot: "cv25519",
  expired: "expired",
  revoked: "revoked",
  weak: "rsa2048",
  dsa: "dsa",
  signonly: "sign-only",
} as const satisfies Record<string, KeySpec>;
