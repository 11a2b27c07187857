import { parseArgs } from "node:util";
import { UsageError, type Command } from "@mlops/compiler/cli-core";
import { runPlan } from "../executor/executor.js";
import { resolve } from "node:path";
import { StepFailure } from "../executor/step-context.js";
import { prepareExchange } from "../steps/external-exchange.js";
import { loadRunnablePlan } from "./load-plan.js";
import { runIdProblem } from "../store/run-leases.js";
import { PATH_GRANT_OPTIONS, PATH_GRANT_USAGE, pathGrants } from "./path-grant-options.js";
import { reporterFor } from "./run-command.js";
import { STORE_OPTIONS, STORE_USAGE, openCommandStores } from "./store-options.js";

const usage = `usage: mlops run-step --plan plan.json --step ID [--run-id ID] [--root DIR] [--force] [--no-retry] [--quiet] [--json]
                     [--exchange DIR --stage prepare|collect]

Runs one step of a plan, reading its inputs from the project's artifact store
(they must have been produced by earlier steps for the same plan and data).
This is what an Airflow task or a Kubernetes Job calls. --plan also accepts
FILE|DIR of sources (then --env NAME applies).

  --run-id ID           record the step under this run (the orchestrator's run id:
                        Airflow's run_id, a Kubernetes Job's name), so the steps of one
                        DAG run are one run in \`mlops runs\`; it ends when every step of
                        the step's group has succeeded, or one failed. The orchestrator
                        then retries the step: it gets one attempt here

The step runs under its declared timeout (stopped, with an error naming the
step and the limit, when it runs longer) and, without --run-id or --no-retry,
is retried as its retries and retry_delay say.

An external trainer with its own image runs between two stages of its train
step: --stage prepare writes the training data into the exchange directory,
--stage collect stores the model the trainer wrote there (and records the step).

${STORE_USAGE}
${PATH_GRANT_USAGE}`;

export const runStepCommand: Command = {
  name: "run-step",
  summary: "run one step of a plan (for Airflow tasks and Kubernetes Jobs)",
  usage,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        plan: { type: "string" },
        step: { type: "string" },
        "run-id": { type: "string" },
        env: { type: "string" },
        root: { type: "string" },
        force: { type: "boolean" },
        "no-retry": { type: "boolean" },
        quiet: { type: "boolean", short: "q" },
        json: { type: "boolean" },
        ...STORE_OPTIONS,
        exchange: { type: "string" },
        stage: { type: "string" },
        ...PATH_GRANT_OPTIONS,
      },
    });
    if (!values.plan) throw new UsageError("--plan is required");
    if (!values.step) throw new UsageError("--step is required");
    const runId = values["run-id"];
    const problem = runId === undefined ? null : runIdProblem(runId);
    if (problem) throw new UsageError(`--run-id: ${problem}`);
    const loaded = await loadRunnablePlan(values.plan, values.env, values.root, io);
    if (!loaded) return 1;
    if (!loaded.plan.steps.some((s) => s.id === values.step)) {
      throw new UsageError(`no step ${values.step} in the plan (steps: ${loaded.plan.steps.map((s) => s.id).join(", ")})`);
    }
    if ((values.exchange === undefined) !== (values.stage === undefined))
      throw new UsageError("--exchange DIR and --stage prepare|collect go together");
    if (values.stage !== undefined && values.stage !== "prepare" && values.stage !== "collect")
      throw new UsageError(`--stage must be prepare or collect, got ${values.stage}`);
    const exchangeDir = values.exchange === undefined ? undefined : resolve(io.cwd, values.exchange);
    const stores = await openCommandStores(values, io, loaded.projectRoot);
    if (!stores) return 1;
    try {
      if (exchangeDir !== undefined && values.stage === "prepare") {
        try {
          await prepareExchange(loaded.plan, loaded.projectRoot, stores, values.step, exchangeDir, {
            grants: pathGrants(values, io),
            env: io.env,
          });
        } catch (error) {
          if (!(error instanceof StepFailure)) throw error;
          io.stderr(`mlops run-step: ${error.message}\n`);
          return 1;
        }
        io.stdout(`wrote the training data of ${values.step} to ${exchangeDir}\n`);
        return 0;
      }
      const result = await runPlan(loaded.plan, loaded.projectRoot, stores, {
        exact: [values.step],
        // with an orchestrator's run id, the orchestrator retries the step (Airflow task retries, the Job's backoffLimit)
        ...(runId ? { runId } : {}),
        stepRetries: runId === undefined && values["no-retry"] !== true,
        force: values.force === true,
        reporter: reporterFor(io, values),
        ...(exchangeDir !== undefined ? { exchange: { dir: exchangeDir, stage: "collect" as const } } : {}),
        grants: pathGrants(values, io),
        env: io.env,
      });
      return result.status === "succeeded" ? 0 : 1;
    } finally {
      await stores.close();
    }
  },
};
