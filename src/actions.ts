import { runInActions } from "./actions/run-in-actions.js";

// The bot inside GitHub Actions (.github/workflows/kaws.yml): this run handles the one event that
// started the workflow, then ends; its exit code is the run's colour.
process.exitCode = await runInActions(process.env);
// a socket kept alive must not hold the job until its timeout: the work is done
setTimeout(() => process.exit(), 5_000).unref();
