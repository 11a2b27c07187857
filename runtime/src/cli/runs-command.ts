import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { escapeControl } from "@mlops/compiler";
import { UsageError, type Command } from "@mlops/compiler/cli-core";
import { table } from "./models-command.js";
import { metricsShownPerStep } from "./run-metrics.js";
import { resolveRunRef } from "./run-ref.js";
import { compareRecordedRuns, formatComparison } from "./runs-compare.js";
import { loadRunView } from "../report/run-view.js";
import type { Stores } from "../store/open-stores.js";
import type { RunDetails, StepDetail } from "../store/metadata-store.js";
import { STORE_OPTIONS, STORE_USAGE, openCommandStores } from "./store-options.js";

const usage = `usage: mlops runs list [--limit N] [--project DIR] [--json]
       mlops runs show RUN [--project DIR] [--json]
       mlops runs compare RUN RUN... [--project DIR] [--json]

Runs recorded in a project's metadata store (default: the current directory):
who started them and when, their status, and for one run every step with its
timing, cache hit, outputs, metrics and error; or runs side by side (params,
data, every hyperparameter and metric), rows that differ marked with ≠. RUN is
a run id, a unique prefix of one, or \`latest\`.

${STORE_USAGE}`;

export const runsCommand: Command = {
  name: "runs",
  summary: "list recorded runs, show one with its steps and metrics, or compare runs",
  usage,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { project: { type: "string" }, json: { type: "boolean" }, limit: { type: "string" }, ...STORE_OPTIONS },
    });
    const [action, id] = positionals;
    if (action !== "list" && action !== "show" && action !== "compare")
      throw new UsageError("expected list, show RUN or compare RUN RUN...");
    if (action === "show" && !id) throw new UsageError("runs show needs a RUN (an id, a prefix, or latest)");
    if (action === "compare" && positionals.length < 3) throw new UsageError("runs compare needs at least two run IDs");
    const stores = await openCommandStores(values, io, resolve(io.cwd, values.project ?? "."), { existing: true });
    if (!stores) return 1;
    const { metadata } = stores;
    try {
      if (action === "list") {
        const runs = await metadata.listRuns({ limit: values.limit ? Number(values.limit) : 20 });
        if (values.json) io.stdout(`${JSON.stringify(runs, null, 2)}\n`);
        else if (runs.length === 0) io.stdout("no runs\n");
        else
          io.stdout(
            table(
              ["run", "status", "pipeline", "env", "started", "by"],
              runs.map((r) => [r.id, r.status, r.pipeline ?? "-", r.env ?? "-", r.startedAt.replace("T", " ").slice(0, 19), r.user]),
            ),
          );
        return 0;
      }
      if (action === "compare") {
        const refs = await Promise.all(positionals.slice(1).map((ref) => resolveRunRef(metadata, ref)));
        const compared = await compareRecordedRuns(stores, refs);
        if ("missing" in compared) {
          io.stderr(`mlops runs: no run ${compared.missing}\n`);
          return 1;
        }
        io.stdout(values.json ? `${JSON.stringify(compared, null, 2)}\n` : formatComparison(compared));
        return 0;
      }
      const details = await metadata.showRun(await resolveRunRef(metadata, id!));
      if (!details) {
        io.stderr(`mlops runs: no run ${id}\n`);
        return 1;
      }
      if (values.json) {
        io.stdout(`${JSON.stringify(details, null, 2)}\n`);
        return 0;
      }
      const head = `run ${details.id}: ${details.status}, ${details.pipeline ?? "-"}${details.env ? ` (env ${details.env})` : ""}, by ${details.user}@${details.host}, ${details.startedAt}${details.finishedAt ? ` → ${details.finishedAt}` : ""}`;
      const metricsByStep = await metricsShownPerStep(details, stores.artifacts);
      const attempts = attemptCounts(details.details);
      const rows = details.steps.map((s) => [
        s.stepId,
        `${s.cacheHit ? "cached" : s.status}${attempts.has(s.stepId) ? ` (${attempts.get(s.stepId)} attempts)` : ""}`,
        s.durationMs === null ? "-" : `${Math.round(s.durationMs)}ms`,
        s.error ? s.error.split("\n")[0]! : (metricsByStep.get(s.stepId) ?? []).join(", "),
      ]);
      const driftReports = await monitorLines(stores, details);
      io.stdout(
        `${head}${details.error ? `\nerror: ${details.error}` : ""}\n\n${table(["step", "status", "time", "metrics / error"], rows)}${driftReports.length > 0 ? `\n${driftReports.join("")}` : ""}${await everyMetric(stores, details.id)}`,
      );
      return 0;
    } finally {
      await stores.close();
    }
  },
};

/** Every metric of each evaluated model, the gate's first (the step table shows a few per step). */
async function everyMetric(stores: Stores, runId: string): Promise<string> {
  const view = await loadRunView(stores, runId);
  const blocks = (view?.models ?? [])
    .filter((m) => m.metrics.length > 0)
    .map((m) => {
      const rows = m.metrics.map((x) => [x.name, x.value === null ? "n/a" : String(Number(x.value.toPrecision(4))), x.gated ? "gate" : ""]);
      return `\nmetrics of ${m.name} on the test split:\n${table(["metric", "value", ""], rows)}`;
    });
  return blocks.join("");
}

/**
 * For each monitor step: what its policies did in this run (the outcome names a retrain's run), and
 * where its drift report is — this check's through `mlops report`, the latest check's on disk.
 */
async function monitorLines(stores: Stores, details: RunDetails): Promise<string[]> {
  const view = await loadRunView(stores, details.id);
  return (view?.monitorReports ?? []).map(({ stepId, report }) => {
    const fired = report.policies
      .filter((p) => p.triggered)
      .map((p) => `  ${escapeControl(`${p.policy} => ${p.action}: ${p.outcome ?? "acted"}`)}\n`);
    return `${stepId}: ${fired.length === 0 ? "every policy quiet" : "policies fired:"}\n${fired.join("")}  drift report of this check: \`mlops report ${details.id} -o DIR\` writes DIR/${stepId}.html (the latest check's: .mlops/reports/${stepId}/drift.html)\n`;
  });
}

/** Steps tried more than once (the `attempts` step detail the executor records), by step id. */
function attemptCounts(details: StepDetail[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const detail of details) {
    const count = (detail.value as { count?: unknown } | null)?.count;
    if (detail.name === "attempts" && typeof count === "number") counts.set(detail.stepId, count);
  }
  return counts;
}
