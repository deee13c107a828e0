import { describe, expect, it } from "vitest";
import { BlobCache } from "../../src/github/blob-cache.js";

const SHA = "a".repeat(40);

describe("BlobCache.readOnce: what was read from one commit", () => {
  it("is read once for every work that asks meanwhile, and again by no later asker while it is kept", async () => {
    const cache = new BlobCache();
    let reads = 0;
    const load = async () => {
      reads++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { authorityOf: SHA };
    };
    const answers = await Promise.all(
      [1, 2, 3].map(() => cache.readOnce("acme/keys", `authority ${SHA}`, load)),
    );
    const later = await cache.readOnce("acme/keys", `authority ${SHA}`, load);
    expect(reads).toBe(1);
    expect(new Set([...answers, later]).size).toBe(1);
  });

  it("is kept apart per repository and per thing read", async () => {
    const cache = new BlobCache();
    const seen: string[] = [];
    const read = (repo: string, what: string) =>
      cache.readOnce(repo, what, async () => {
        seen.push(`${repo} ${what}`);
        return what;
      });
    await read("acme/keys", `listing ${SHA}`);
    await read("other/keys", `listing ${SHA}`);
    await read("acme/keys", `authority ${SHA}`);
    expect(seen).toEqual([
      `acme/keys listing ${SHA}`,
      `other/keys listing ${SHA}`,
      `acme/keys authority ${SHA}`,
    ]);
  });

  it("forgets a failed read, so the next asker reads again", async () => {
    const cache = new BlobCache();
    let reads = 0;
    const failing = () => {
      reads++;
      return Promise.reject(new Error("GitHub answered 502"));
    };
    await expect(cache.readOnce("acme/keys", `listing ${SHA}`, failing)).rejects.toThrow("502");
    await expect(cache.readOnce("acme/keys", `listing ${SHA}`, async () => "listed")).resolves.toBe("listed");
    expect(reads).toBe(1);
  });

  it("keeps only the latest reads it was sized for", async () => {
    const cache = new BlobCache(1024, 2);
    let reads = 0;
    const read = (n: number) =>
      cache.readOnce("acme/keys", `listing ${n}`, async () => {
        reads++;
        return n;
      });
    await read(1);
    await read(2);
    await read(1); // the latest again: 2 is now the oldest
    await read(3);
    await read(1);
    expect(reads).toBe(3);
    await read(2);
    expect(reads).toBe(4);
  });
});
