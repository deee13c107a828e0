/**
 * Blob bytes by git object id. Blobs are content-addressed, so an entry never goes stale; the cache
 * only bounds its memory (least recently used out first). Keys are per repository: a blob id is
 * not a secret, but one installation must not read another's content through the cache.
 */
export class BlobCache {
  private readonly entries = new Map<string, Uint8Array>();
  private bytes = 0;

  constructor(private readonly maxBytes = 64 * 1024 * 1024) {}

  get(repoKey: string, oid: string): Uint8Array | undefined {
    const key = `${repoKey}\u0000${oid}`;
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(repoKey: string, oid: string, value: Uint8Array): void {
    const key = `${repoKey}\u0000${oid}`;
    if (this.entries.has(key) || value.length > this.maxBytes) return;
    this.entries.set(key, value);
    this.bytes += value.length;
    for (const [oldest, old] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= old.length;
    }
  }
}
