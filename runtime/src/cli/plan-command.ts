/** `mlops plan` with the runtime installed: what `mlops run` would run now, judged by the stored cache. */
import { parseArgs } from "node:util";
import {
  buildPlanFromSources,
  describePlan,
  lastBuildComparison,
  planCommand as compilerPlanCommand,
  readLastBuild,
  type Command,
} from "@mlops/compiler/cli";
import { openStores } from "../store/open-stores.js";
import { StoreConfigError } from "../store/store-config.js";
import { PATH_GRANT_OPTIONS, PATH_GRANT_USAGE, pathGrants } from "./path-grant-options.js";
import { STORE_OPTIONS, STORE_USAGE } from "./store-options.js";
import { storedComparison } from "./stored-plan-status.js";

const usage = `usage: mlops plan [FILE|DIR] [--env NAME] [--artifact-store URL] [--database URL] [--allow-read DIR]

Prints the step DAG in order, what each step does, and which steps \`mlops run\`
would run now: a step whose outputs for the current plan and data are in the
store is "cached". A project with no runs yet is compared with its last
\`mlops build\`.

${STORE_USAGE}
${PATH_GRANT_USAGE}`;

export const planCommand: Command = {
  name: "plan",
  summary: compilerPlanCommand.summary,
  usage,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { env: { type: "string" }, ...STORE_OPTIONS, ...PATH_GRANT_OPTIONS },
    });
    const built = buildPlanFromSources(positionals[0] ?? ".", values.env, io);
    if (!built) return 1;
    const color = io.isTTY && io.env.NO_COLOR === undefined;
    let stores;
    try {
      stores = await openStores({
        flags: { artifactStore: values["artifact-store"], database: values.database },
        env: io.env,
        cwd: io.cwd,
        projectRoot: built.projectRoot,
        existing: true,
      });
    } catch (error) {
      if (!(error instanceof StoreConfigError)) throw error;
      const configured = values.database ?? values["artifact-store"] ?? io.env.MLOPS_DATABASE_URL ?? io.env.MLOPS_ARTIFACT_STORE;
      if (configured !== undefined) {
        io.stderr(`mlops plan: ${error.message}\n`);
        return 1;
      }
      io.stdout(describePlan(built.plan, lastBuildComparison(readLastBuild(built.projectRoot)), color));
      return 0;
    }
    try {
      const comparison = await storedComparison(built.plan, built.projectRoot, stores, { grants: pathGrants(values, io), env: io.env });
      io.stdout(describePlan(built.plan, comparison, color));
      return 0;
    } finally {
      await stores.close();
    }
  },
};
