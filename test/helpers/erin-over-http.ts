import type { Files } from "./build-repo.js";
import { startFakeGitHubServer } from "./fake-github-server.js";
import { FakeRepo } from "./fake-repo.js";
import type { Identities } from "./identities.js";
import { registeredKey } from "./pull-request-fixture.js";
import { erinRequest } from "./pull-request-scenario.js";

/**
 * The fake GitHub over real HTTP on 127.0.0.1, serving `files` on the default branch and erin's
 * onboarding pull request on top (her key, a CSR signed with it; her key registered on her account):
 * for tests where a socket must hang, or several app processes share one GitHub.
 */
export async function erinOverHttp(ids: Identities, files: Files) {
  const objects = new FakeRepo();
  const baseSha = objects.commit(files);
  const headSha = objects.commit({ ...files, ...erinRequest(ids) });
  const fake = await startFakeGitHubServer({
    repo: objects,
    defaultSha: baseSha,
    mergeBaseSha: baseSha,
    gpgKeys: { erin: [registeredKey(ids.mallory)] },
  });
  const close = async () => {
    fake.server.closeAllConnections();
    await new Promise((resolve) => fake.server.close(resolve));
  };
  return { fake, objects, baseSha, headSha, close };
}
