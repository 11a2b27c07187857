/** Compiles a project folder and runs its pipeline with plain-line progress: `tsx run-project.ts DIR [group]`. */
import { buildPlanFromSources } from "@mlops/compiler/cli";
import { runPlan } from "../../../src/executor/executor.js";
import { openStores } from "../../../src/store/open-stores.js";
import { lineReporter } from "../../../src/cli/reporters.js";

const [dir, group] = process.argv.slice(2);
const io = {
  stdout: (t: string) => process.stdout.write(t),
  stderr: (t: string) => process.stderr.write(t),
  isTTY: false,
  cwd: process.cwd(),
  env: process.env,
};
const built = buildPlanFromSources(dir!, undefined, io);
if (!built) process.exit(1);
const stores = await openStores({ projectRoot: built.projectRoot, cwd: process.cwd(), env: process.env });
const result = await runPlan(built.plan, built.projectRoot, stores, { reporter: lineReporter(io), ...(group ? { group } : {}) });
await stores.close();
process.exitCode = result.status === "succeeded" ? 0 : 1;
