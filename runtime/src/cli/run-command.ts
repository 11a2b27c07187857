import { parseArgs } from "node:util";
import { escapeControl } from "@mlops/compiler/core";
import type { Command, CliIO } from "@mlops/compiler/cli-core";
import { runPlan } from "../executor/executor.js";
import type { RunReporter } from "../executor/reporter.js";
import { loadRunnablePlan } from "./load-plan.js";
import { PATH_GRANT_OPTIONS, PATH_GRANT_USAGE, pathGrants } from "./path-grant-options.js";
import { serveHints } from "./serve-hint.js";
import { jsonReporter, lineReporter, quietReporter, ttyReporter } from "./reporters.js";
import { sharedStateWarning } from "./shared-state-warning.js";
import { STORE_OPTIONS, STORE_USAGE, openCommandStores } from "./store-options.js";

const usage = `usage: mlops run [FILE|DIR|plan.json] [--env NAME] [--only STEP...] [--group NAME] [--force] [--no-retry] [--quiet] [--json]
       [--allow-read DIR] [--allow-write DIR]

Compiles the program (default: the current directory), or reads a built plan,
and runs its step DAG on this machine: ingest, validate, split, fit features,
train (to ONNX), evaluate, gate, register, deploy. Steps whose inputs did not
change are taken from the cache (shown as "cached"). State lives in .mlops/
under the project root unless --artifact-store / --database name shared stores.
Each step runs under its declared timeout; one that times out, or whose external
trainer fails, is retried as its retries and retry_delay say.

  --env NAME       resolve params for this env
  --only STEP      run this step (an id like train.fraud_clf, or a kind like train)
                   and what it needs; repeatable
  --group NAME     run another schedule's steps (batch.NAME, monitor.NAME)
  --force          ignore the cache
  --no-retry       one attempt per step: fail at once instead of retrying as
                   the steps' retries say (timeouts still apply)
  --concurrency N  steps at once (default 2)
  --root DIR       project root for a plan.json (default: the plan's folder)
  --quiet          print only failures
  --json           print the run result as JSON
${STORE_USAGE}
${PATH_GRANT_USAGE}

Exit 0 when every step succeeded, 1 when a step failed (or a gate blocked
registration), 2 on a usage error.`;

export function reporterFor(io: CliIO, options: { quiet?: boolean; json?: boolean }): RunReporter {
  if (options.json) return jsonReporter(io);
  if (options.quiet) return quietReporter(io);
  return io.isTTY ? ttyReporter(io) : lineReporter(io);
}

export const runCommand: Command = {
  name: "run",
  summary: "run the pipeline locally: train, evaluate, gate, register",
  usage,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        env: { type: "string" },
        only: { type: "string", multiple: true },
        group: { type: "string" },
        force: { type: "boolean" },
        "no-retry": { type: "boolean" },
        quiet: { type: "boolean", short: "q" },
        json: { type: "boolean" },
        ...PATH_GRANT_OPTIONS,
        concurrency: { type: "string" },
        root: { type: "string" },
        ...STORE_OPTIONS,
      },
    });
    const loaded = await loadRunnablePlan(positionals[0] ?? ".", values.env, values.root, io);
    if (!loaded) return 1;
    const concurrency = values.concurrency === undefined ? 2 : Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      io.stderr(`mlops run: --concurrency must be a positive integer\n`);
      return 2;
    }
    const only = (values.only ?? []).flatMap((o) => o.split(",")).filter((o) => o !== "");
    const stores = await openCommandStores(values, io, loaded.projectRoot);
    if (!stores) return 1;
    try {
      const shared = await sharedStateWarning(stores, loaded.plan, loaded.projectRoot, io.cwd);
      if (shared) io.stderr(shared);
      const result = await runPlan(loaded.plan, loaded.projectRoot, stores, {
        ...(values.group ? { group: values.group } : {}),
        ...(only.length > 0 ? { only } : {}),
        force: values.force === true,
        concurrency,
        stepRetries: values["no-retry"] !== true,
        reporter: reporterFor(io, values),
        grants: pathGrants(values, io),
        env: io.env,
      });
      if (!values.json && !values.quiet) io.stdout(serveHints(loaded.plan, result, positionals[0], values, io));
      return result.status === "succeeded" ? 0 : 1;
    } catch (error) {
      io.stderr(`mlops run: ${escapeControl((error as Error).message)}\n`);
      return 1;
    } finally {
      await stores.close();
    }
  },
};
