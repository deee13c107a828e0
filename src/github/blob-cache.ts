/**
 * Blob bytes by git object id, and what was read from one commit (its tree listing, its authority).
 * Both are content-addressed, so an entry never goes stale; the cache only bounds its memory (least
 * recently used out first). Keys are per repository: an object id is not a secret, but one
 * installation must not read another's content through the cache.
 */
export class BlobCache {
  private readonly entries = new Map<string, Uint8Array>();
  private bytes = 0;
  private readonly reads = new Map<string, Promise<unknown>>();

  constructor(
    private readonly maxBytes = 64 * 1024 * 1024,
    private readonly maxReads = 16,
  ) {}

  /**
   * What `load` reads from one commit (named by its full SHA in `what`), read once for every work
   * that asks while it is kept: evaluations of a repository's pull requests share its default
   * branch's authority and their merge base's listing, instead of each holding a copy of the same
   * answer (the bot's memory under load) and each spending one of its paced GraphQL queries. A
   * failed read is forgotten, so the next asker reads again.
   */
  readOnce<T>(repoKey: string, what: string, load: () => Promise<T>): Promise<T> {
    const key = `${repoKey}\u0000${what}`;
    const kept = this.reads.get(key) as Promise<T> | undefined;
    if (kept !== undefined) {
      this.reads.delete(key);
      this.reads.set(key, kept);
      return kept;
    }
    const read = load();
    this.reads.set(key, read);
    read.catch(() => {
      if (this.reads.get(key) === read) this.reads.delete(key);
    });
    for (const oldest of this.reads.keys()) {
      if (this.reads.size <= this.maxReads) break;
      this.reads.delete(oldest);
    }
    return read;
  }

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
