import nock from "nock";
import { afterAll, afterEach } from "vitest";
import { takeUnknownRoutes } from "./helpers/fake-github-api.js";

// No test reaches the network: GitHub and EC2 are nock scopes or fake servers on 127.0.0.1.
nock.disableNetConnect();
nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);

// the AWS SDK's notice that its releases after January 2027 need Node 22: true, and noise in test output
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

// A fake GitHub answers a route it does not know with 501, never a 404 production code would read as
// "absent"; any such request fails the test that made it (or the file, from a hook).
function failOnUnknownRoutes() {
  const unknown = takeUnknownRoutes();
  if (unknown.length > 0)
    throw new Error(`the fake GitHub has no route for:\n  ${[...new Set(unknown)].join("\n  ")}`);
}
afterEach(failOnUnknownRoutes);
afterAll(failOnUnknownRoutes);
