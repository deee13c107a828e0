import { createHash } from "node:crypto";
import type { Files } from "./build-repo.js";

export interface FakeCommit {
  readonly sha: string;
  readonly files: Map<string, { oid: string; mode: string; size: number }>;
  readonly parents: string[];
  readonly message: string;
}

/** git's own blob id: sha1("blob <size>\0" + bytes). */
export function gitBlobId(bytes: Uint8Array): string {
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

/**
 * A repository's objects in memory, answering as GitHub's Git Data and GraphQL APIs would: commits
 * are file maps, blobs are stored by their real git ids.
 */
export class FakeRepo {
  readonly owner = "acme";
  readonly name = "cluster-keys";
  readonly blobs = new Map<string, Uint8Array>();
  readonly commits = new Map<string, FakeCommit>();

  commit(
    files: Files,
    modes: Record<string, string> = {},
    parents: string[] = [],
    message = "commit",
  ): string {
    const entries = new Map<string, { oid: string; mode: string; size: number }>();
    for (const [path, content] of Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1))) {
      const bytes = typeof content === "string" ? new TextEncoder().encode(content) : new Uint8Array(content);
      const oid = gitBlobId(bytes);
      this.blobs.set(oid, bytes);
      entries.set(path, { oid, mode: modes[path] ?? "100644", size: bytes.length });
    }
    const sha = createHash("sha1")
      .update(JSON.stringify([...entries, parents, message]))
      .digest("hex");
    this.commits.set(sha, { sha, files: entries, parents, message });
    return sha;
  }

  /** A commit whose tree is `base`'s plus these contents (what the Git Data API builds from inline contents). */
  commitWith(base: string, changes: Record<string, string>, parents: string[], message: string): string {
    const files: Files = {};
    for (const [path, file] of this.required(base).files) files[path] = this.blobs.get(file.oid)!;
    return this.commit({ ...files, ...changes }, {}, parents, message);
  }

  /** The newest commits reachable from `head` (first parents) that changed `path` (a file or a folder; any, when ""), newest first. */
  commitsTouching(head: string, path: string, limit = 30): string[] {
    const found: string[] = [];
    for (let sha: string | undefined = head; sha !== undefined; sha = this.commits.get(sha)?.parents[0]) {
      const commit = this.required(sha);
      const parent = commit.parents[0] ? this.required(commit.parents[0]) : undefined;
      if (path === "" || this.changedUnder(commit, parent, path)) found.push(sha);
      if (found.length >= limit) break;
    }
    return found;
  }

  /** Whether a commit changed the file `path`, or any file under the folder `path`, from its parent. */
  private changedUnder(commit: FakeCommit, parent: FakeCommit | undefined, path: string): boolean {
    const under = (file: string) => file === path || file.startsWith(`${path}/`);
    const files = new Set([...commit.files.keys(), ...(parent?.files.keys() ?? [])].filter(under));
    return [...files].some((file) => commit.files.get(file)?.oid !== parent?.files.get(file)?.oid);
  }

  /** Whether `ancestor` is reachable from `descendant` through parents. */
  isAncestor(ancestor: string, descendant: string): boolean {
    const seen = new Set<string>();
    const todo = [descendant];
    while (todo.length > 0) {
      const sha = todo.pop()!;
      if (sha === ancestor) return true;
      if (seen.has(sha)) continue;
      seen.add(sha);
      todo.push(...(this.commits.get(sha)?.parents ?? []));
    }
    return false;
  }

  /** The files that differ between two commits, as `GET /pulls/{n}/files` lists them. */
  diff(from: string, to: string): { filename: string; status: "added" | "removed" | "modified" }[] {
    const [a, b] = [this.required(from).files, this.required(to).files];
    const files: { filename: string; status: "added" | "removed" | "modified" }[] = [];
    for (const [path, file] of b) {
      const before = a.get(path);
      if (before === undefined) files.push({ filename: path, status: "added" });
      else if (before.oid !== file.oid) files.push({ filename: path, status: "modified" });
    }
    for (const path of a.keys()) if (!b.has(path)) files.push({ filename: path, status: "removed" });
    return files;
  }

  treeResponse(sha: string) {
    const commit = this.required(sha);
    return {
      sha,
      url: `https://api.github.com/repos/${this.owner}/${this.name}/git/trees/${sha}`,
      truncated: false,
      tree: [...commit.files].map(([path, file]) => ({
        path,
        mode: file.mode,
        type: file.mode === "160000" ? "commit" : "blob",
        sha: file.oid,
        size: file.size,
        url: `https://api.github.com/repos/${this.owner}/${this.name}/git/blobs/${file.oid}`,
      })),
    };
  }

  blobResponse(oid: string) {
    const bytes = this.blobs.get(oid);
    if (bytes === undefined) return undefined;
    return {
      sha: oid,
      node_id: "B_x",
      size: bytes.length,
      url: "",
      content: Buffer.from(bytes).toString("base64"),
      encoding: "base64",
    };
  }

  /** The answer to the bot's authority query: `pubkeys/`, the config and the bot key at a commit. */
  /** The answer to a `kawsBlobs` GraphQL query: each aliased `object(oid:)` as GitHub gives a blob. */
  blobsResponse(query: string) {
    const repository: Record<string, unknown> = {};
    for (const [, alias, oid] of query.matchAll(/(b\d+): object\(oid: "([0-9a-f]{40})"\)/g)) {
      const bytes = this.blobs.get(oid!);
      const isBinary = bytes?.some((b) => b > 0x7e || (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d));
      repository[alias!] =
        bytes === undefined
          ? null
          : { isBinary, isTruncated: false, text: isBinary ? null : new TextDecoder().decode(bytes) };
    }
    return { data: { repository } };
  }

  authorityResponse(sha: string) {
    const commit = this.required(sha);
    const blob = (path: string) => {
      const file = commit.files.get(path);
      if (file === undefined) return null;
      const bytes = this.blobs.get(file.oid)!;
      const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
      const isBinary = bytes.some(
        (byte) => byte > 0x7e || (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d),
      );
      return {
        oid: file.oid,
        byteSize: bytes.length,
        isBinary,
        isTruncated: false,
        text: isBinary ? null : text,
      };
    };
    const pubkeys = [...commit.files.keys()].filter(
      (p) => p.startsWith("pubkeys/") && p.split("/").length === 2,
    );
    return {
      data: {
        repository: {
          pubkeys:
            pubkeys.length === 0
              ? null
              : {
                  entries: pubkeys.map((path) => ({
                    name: path.slice(8),
                    mode: parseInt(commit.files.get(path)!.mode, 8),
                    oid: commit.files.get(path)!.oid,
                    object: blob(path),
                  })),
                },
          config: blob(".github/kaws.yml"),
          bot: blob(".github/kaws-bot.asc"),
        },
      },
    };
  }

  required(sha: string): FakeCommit {
    const commit = this.commits.get(sha);
    if (commit === undefined) throw new Error(`no commit ${sha}`);
    return commit;
  }
}
