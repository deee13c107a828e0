import { describe, expect, it } from "vitest";
import { createFakeGitHubApi, takeUnknownRoutes } from "../helpers/fake-github-api.js";
import { FakeRepo } from "../helpers/fake-repo.js";

function fake() {
  const repo = new FakeRepo();
  const sha = repo.commit({ "README.md": "hello\n" });
  return createFakeGitHubApi({ repo, defaultSha: sha, mergeBaseSha: sha });
}

describe("the fake GitHub", () => {
  it("answers a route it does not know with 501 naming it, never a 404 read as 'absent'", () => {
    const github = fake();
    const reply = github.handle("GET", "/repos/acme/cluster-keys/environments", undefined);
    expect(reply).toEqual([
      501,
      { message: "the fake GitHub has no route for GET /repos/acme/cluster-keys/environments" },
    ]);
    expect(github.unknownRoutes).toEqual(["GET /repos/acme/cluster-keys/environments"]);
    // what test/setup.ts reads after each test, to fail it; read here, it is emptied and passes
    expect(takeUnknownRoutes()).toEqual(["GET /repos/acme/cluster-keys/environments"]);
    expect(takeUnknownRoutes()).toEqual([]);
  });

  it("does not count a known route, or a 404 a test asked for, as unknown", () => {
    const github = fake();
    github.failNext("GET", /\/pulls\/7$/, 404, "Not Found");
    expect(github.handle("GET", "/repos/acme/cluster-keys/pulls/7", undefined)).toEqual([
      404,
      { message: "Not Found" },
    ]);
    expect(github.handle("GET", "/app", undefined)).toEqual([200, expect.anything()]);
    expect(takeUnknownRoutes()).toEqual([]);
  });
});
