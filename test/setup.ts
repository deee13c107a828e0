import nock from "nock";

// No test reaches the network: GitHub and EC2 are nock scopes or fake servers on 127.0.0.1.
nock.disableNetConnect();
nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);

// the AWS SDK's notice that its releases after January 2027 need Node 22: true, and noise in test output
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
