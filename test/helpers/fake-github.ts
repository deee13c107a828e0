import nock from "nock";
import { createFakeGitHubApi, HANG, type FakeGitHubOptions } from "./fake-github-api.js";

export type { RecordedCall } from "./fake-github-api.js";

/** The fake GitHub API behind nock, on api.github.com (or `baseUrl`). */
export function fakeGitHub(options: FakeGitHubOptions & { baseUrl?: string }) {
  const api = createFakeGitHubApi(options);
  const scope = nock(options.baseUrl ?? "https://api.github.com").persist();
  for (const method of ["get", "post", "patch", "delete"] as const) {
    scope[method](/.*/).reply((uri, body, callback) => {
      void api.answer(method.toUpperCase(), uri, body).then((reply) => {
        if (reply !== HANG) callback(null, reply as [number, string]); // a hung GitHub never answers
      });
    });
  }
  return api;
}
