// Child for the crash test: starts a run and a step, then dies with SIGKILL before finishing them.
import { openDatabaseUrl } from "./backends.js";

const store = await openDatabaseUrl(process.argv[2]!);
const run = await store.startRun({ planHash: "p1", pipeline: "fraud" });
await store.startStep(run.id, "train.fraud_clf", { cacheKey: "k1" });
process.stdout.write(run.id);
process.kill(process.pid, "SIGKILL");
