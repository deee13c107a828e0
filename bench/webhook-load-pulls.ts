import { readWorkingTree } from "../src/cli/read-working-tree.js";
import type { Files } from "../test/helpers/build-repo.js";
import { FakeRepo } from "../test/helpers/fake-repo.js";
import { makeCsr } from "../test/helpers/openssl.js";
import { ADMINS, CLUSTERS, gpgIn } from "./build-synthetic-repo.js";

/** One pull request of the load: an admin of the repository asks for a certificate on a second cluster. */
export interface LoadPullRequest {
  readonly number: number;
  readonly headSha: string;
  readonly author: string;
}

/** Maintainers in the synthetic repository's config: they review, and never author, the load's PRs. */
export const LOAD_REVIEWERS = ["admin000", "admin001", "admin002"] as const;

/**
 * The 200-admin repository as the default branch, and `count` pull requests on it, each by a
 * different admin (not a maintainer) adding a CSR made by `openssl req` for one more cluster, signed
 * by the author's own key with `gpg --detach-sign`: each head is its own commit on the base.
 */
export async function buildLoadPullRequests(repoDir: string, gnupgHome: string, count: number) {
  const tree = await readWorkingTree(repoDir);
  const files: Files = {};
  for (const [path, entry] of tree) if (entry.bytes) files[path] = entry.bytes;
  const repo = new FakeRepo();
  const baseSha = repo.commit(files);
  const gpg = gpgIn(gnupgHome);
  const pulls: LoadPullRequest[] = [];
  for (let i = 0; i < count; i++) {
    const index = LOAD_REVIEWERS.length + (i % (ADMINS - LOAD_REVIEWERS.length));
    const author = `admin${String(index).padStart(3, "0")}`;
    // each admin's first CSR is in cluster index % CLUSTERS: this one is for the next cluster
    const cluster = `cluster${String((index + 1) % CLUSTERS).padStart(2, "0")}`;
    const { csr } = makeCsr(`/CN=${author}/O=developers`);
    const signature = gpg(
      ["--local-user", `${author}@bench.invalid`, "--armor", "--detach-sign", "--output", "-"],
      csr,
    );
    const headSha = repo.commit(
      {
        ...files,
        [`clusters/${cluster}/admins/${author}.csr`]: csr,
        [`clusters/${cluster}/admins/${author}.csr.asc`]: signature,
      },
      {},
      [baseSha],
      `Certificate for ${author} on ${cluster}`,
    );
    pulls.push({ number: 2000 + i, headSha, author });
  }
  return { repo, baseSha, pulls };
}
