// Child for the crash test: starts a run and a step, then dies with SIGKILL before finishing them.
import { MetadataStore } from "../../../src/store/metadata-store.js";

const store = MetadataStore.open(process.argv[2]!);
const run = store.startRun({ planHash: "p1", pipeline: "fraud" });
store.startStep(run.id, "train.fraud_clf", { cacheKey: "k1" });
process.stdout.write(run.id);
process.kill(process.pid, "SIGKILL");
