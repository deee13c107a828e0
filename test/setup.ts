import nock from "nock";

// No test reaches the network: GitHub and EC2 are nock scopes or fake servers on 127.0.0.1.
nock.disableNetConnect();
nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
