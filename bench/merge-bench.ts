import { readWorkingTree } from "../src/cli/read-working-tree.js";
import type { Files } from "../test/helpers/build-repo.js";
import { startFakeGitHubServer } from "../test/helpers/fake-github-server.js";
import { FakeRepo } from "../test/helpers/fake-repo.js";
import { makeCsr } from "../test/helpers/openssl.js";
import {
  pullRequestPayload,
  pushPayload,
  reviewPayload,
  startWebhookServer,
} from "../test/helpers/probot.js";
import { gpgIn } from "./build-synthetic-repo.js";

export interface MergeBenchResult {
  readonly pushToCommitMs: number;
  readonly calls: number;
  readonly writes: number;
  readonly committed: boolean;
}

/**
 * The reconciler on the 200-admin repository: a request approved by a maintainer is merged, and the
 * push delivery is answered once the certificate commit is on the branch (against a fake GitHub on
 * 127.0.0.1 answering at once, so GitHub's own latency is excluded).
 */
export async function benchMerge(repoDir: string, gnupgHome: string): Promise<MergeBenchResult> {
  const gpg = gpgIn(gnupgHome);
  const tree = await readWorkingTree(repoDir);
  const files: Files = {};
  for (const [path, entry] of tree) if (entry.bytes) files[path] = entry.bytes;
  files[".github/kaws.yml"] =
    'maintainers: [admin000, admin001, admin002]\nallowed_groups: [developers, "system:masters"]\n';
  const publicKey = gpg(["--armor", "--export", "newcomer@bench.invalid"]);
  const { csr } = makeCsr("/CN=newcomer/O=developers");
  const request: Files = {
    "pubkeys/newcomer.asc": publicKey,
    "clusters/cluster00/admins/newcomer.csr": csr,
    "clusters/cluster00/admins/newcomer.csr.asc": gpg(
      ["--local-user", "newcomer@bench.invalid", "--armor", "--detach-sign", "--output", "-"],
      csr,
    ),
  };
  const repo = new FakeRepo();
  const baseSha = repo.commit(files);
  const headSha = repo.commit({ ...files, ...request }, {}, [baseSha]);
  const fake = await startFakeGitHubServer({
    repo,
    defaultSha: baseSha,
    mergeBaseSha: baseSha,
    gpgKeys: { newcomer: [{ key_id: "x", raw_key: publicKey.toString(), subkeys: [] }] },
  });
  const botKey = gpg(["--armor", "--export-secret-keys", "bot@bench.invalid"]).toString();
  const server = await startWebhookServer({
    baseUrl: fake.url,
    secret: "bench-merge",
    logLevel: "silent",
    botKey,
  });
  try {
    const pull = pullRequestPayload({ headSha, baseSha, author: "newcomer" });
    await server.deliver("pull_request", pull, "m1");
    fake.api.addReview(7, "admin000", "APPROVED", headSha, new Date());
    await server.deliver(
      "pull_request_review",
      reviewPayload({ pull, reviewer: "admin000", state: "approved", commitId: headSha, at: new Date() }),
      "m2",
    );
    const squash = repo.commit({ ...files, ...request }, {}, [baseSha], "Add newcomer (#7)");
    fake.api.refs.set("heads/main", squash);
    fake.api.setCommitPulls(squash, [
      {
        number: 7,
        merged_at: new Date().toISOString(),
        base: { ref: "main", sha: baseSha },
        head: { sha: headSha },
        user: { login: "newcomer" },
        html_url: "https://example.invalid/pull/7",
      },
    ]);
    const before = fake.api.calls.length;
    const started = performance.now();
    const status = await server.deliver(
      "push",
      pushPayload({
        pull,
        before: baseSha,
        after: squash,
        commits: [{ id: squash, added: Object.keys(request) }],
      }),
      "m3",
    );
    const pushToCommitMs = performance.now() - started;
    if (status !== 200) throw new Error(`the push delivery answered ${status}`);
    const calls = fake.api.calls.slice(before).filter((c) => !c.path.includes("access_tokens"));
    const head = repo.required(fake.api.refs.get("heads/main")!);
    return {
      pushToCommitMs,
      calls: calls.length,
      writes: calls.filter((c) => c.method !== "GET").length,
      committed: head.files.has("clusters/cluster00/admins/newcomer.pem"),
    };
  } finally {
    await server.stop();
    fake.server.close();
  }
}
