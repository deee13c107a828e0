import { sha256Hex } from "../hash.js";
import { readPublicKey, type PublicKeyRead } from "./read-public-key.js";

/**
 * Parsed public keys by the SHA-256 of their bytes. A key file's bytes always parse the same, so a
 * long-running caller (the bot) parses the default branch's keys once instead of on every pull
 * request. Only parsing is cached: expiry and revocation are judged again at each use. Bounded.
 */
export class PublicKeyCache {
  private readonly entries = new Map<string, Promise<PublicKeyRead>>();

  constructor(private readonly maxEntries = 10_000) {}

  read(bytes: Uint8Array): Promise<PublicKeyRead> {
    const key = sha256Hex(bytes);
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = readPublicKey(bytes);
      this.entries.set(key, entry);
      if (this.entries.size > this.maxEntries)
        this.entries.delete(this.entries.keys().next().value as string);
    }
    return entry;
  }
}
