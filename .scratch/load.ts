import { join } from "node:path";
import { buildSyntheticRepo } from "../bench/build-synthetic-repo.js";
import { benchWebhookLoad } from "../bench/webhook-load-bench.js";
const { dir, gnupgHome } = await buildSyntheticRepo(join(process.cwd(), ".cache", "bench"), (l) => process.stderr.write(l + "\n"));
const load = await benchWebhookLoad(dir, gnupgHome);
console.log(JSON.stringify(load.map(({ warnings, ...rest }) => ({ ...rest, warnings })), null, 1));
