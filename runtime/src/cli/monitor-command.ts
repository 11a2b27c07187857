import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { type CliIO, UsageError, type Command } from "@mlops/compiler/cli-core";
import { runPlan } from "../executor/executor.js";
import { type RunResult, silentReporter } from "../executor/reporter.js";
import type { MonitorReport } from "../steps/monitor.js";
import type { Stores } from "../store/open-stores.js";
import { loadRunnablePlan } from "./load-plan.js";
import { PATH_GRANT_OPTIONS, PATH_GRANT_USAGE, pathGrants } from "./path-grant-options.js";
import { reporterFor } from "./run-command.js";
import { STORE_OPTIONS, STORE_USAGE, openCommandStores } from "./store-options.js";

const usage = `usage: mlops monitor [FILE|DIR|plan.json] [--name MONITOR...] [--env NAME] [--root DIR] [--exit-code] [--report DIR] [--quiet] [--json]

Runs the program's monitors once (default: all of them): drift of the current
traffic in the window (.mlops/requests/DEPLOYMENT.jsonl, or a batch deployment's
input) against the reference, the model's metrics when the monitor has labels,
then the policies act: alert(notifier) posts, retrain(model) runs the training
DAG, rollback(deployment) moves production back. Same as
\`mlops run --group monitor.NAME\`; schedulers call it on each monitor's schedule.

  --exit-code   exit 1 when a policy acted, 0 when all were quiet (or held back by
                their cooldown), 3 when a monitor could not run (among others:
                another process is checking it — one check of a monitor at a time)
  --report DIR  also write each monitor's drift report (HTML, readable offline)
                as DIR/monitor.NAME.html
  --json        print the run result as JSON, with each monitor's report (drift
                per target, signals, each policy's outcome) under "monitors"

Secrets (a notifier's webhook) are read from MLOPS_SECRET_<NAME>_<KEY>.

${STORE_USAGE}
${PATH_GRANT_USAGE}`;

export const monitorCommand: Command = {
  name: "monitor",
  summary: "run the drift monitors once and apply their policies",
  usage,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        name: { type: "string", multiple: true },
        env: { type: "string" },
        root: { type: "string" },
        quiet: { type: "boolean", short: "q" },
        json: { type: "boolean" },
        "exit-code": { type: "boolean" },
        report: { type: "string" },
        ...STORE_OPTIONS,
        ...PATH_GRANT_OPTIONS,
      },
    });
    const loaded = await loadRunnablePlan(positionals[0] ?? ".", values.env, values.root, io);
    if (!loaded) return 1;
    const all = loaded.plan.steps.filter((s) => s.kind === "monitor");
    const wanted = values.name ?? [];
    const unknown = wanted.filter((n) => !all.some((s) => s.subject.name === n));
    if (unknown.length > 0)
      throw new UsageError(`no monitor ${unknown.join(", ")} (monitors: ${all.map((s) => s.subject.name).join(", ") || "none"})`);
    const steps = wanted.length > 0 ? all.filter((s) => wanted.includes(s.subject.name)) : all;
    if (steps.length === 0) {
      io.stderr("mlops monitor: the program declares no monitor\n");
      return 1;
    }
    const stores = await openCommandStores(values, io, loaded.projectRoot);
    if (!stores) return 1;
    try {
      const result = await runPlan(loaded.plan, loaded.projectRoot, stores, {
        exact: steps.map((s) => s.id),
        reporter: values.json ? silentReporter : reporterFor(io, values),
        grants: pathGrants(values, io),
        env: io.env,
      });
      if (values.json) io.stdout(`${JSON.stringify({ ...result, monitors: await monitorReports(result, stores) }, null, 2)}\n`);
      if (values.report !== undefined)
        await copyDriftReports(result, loaded.projectRoot, resolve(io.cwd, values.report), values.json ? undefined : io);
      if (!values["exit-code"]) return result.status === "succeeded" ? 0 : 1;
      if (result.status !== "succeeded") return 3;
      return result.steps.some((s) => (s.metrics.policies_fired ?? 0) > 0) ? 1 : 0;
    } finally {
      await stores.close();
    }
  },
};

/** `--report DIR`: the drift report of each monitor that ran, as DIR/monitor.NAME.html. */
async function copyDriftReports(result: RunResult, projectRoot: string, dir: string, io: CliIO | undefined): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (const step of result.steps) {
    const written = join(projectRoot, ".mlops", "reports", step.stepId, "drift.html");
    if (step.status !== "succeeded" || !existsSync(written)) continue;
    const target = join(dir, `${step.stepId}.html`);
    copyFileSync(written, target);
    io?.stdout(`drift report: ${target}\n`);
  }
}

/** The report of each monitor that ran (its step's `report` output), by monitor name. */
async function monitorReports(result: RunResult, stores: Stores): Promise<Record<string, MonitorReport>> {
  const reports: Record<string, MonitorReport> = {};
  for (const step of result.steps) {
    const hash = step.outputs[`${step.stepId}/report`];
    if (step.kind === "monitor" && hash)
      reports[step.stepId.slice("monitor.".length)] = await stores.artifacts.getJson<MonitorReport>(hash);
  }
  return reports;
}
