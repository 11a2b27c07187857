import { parseArgs } from "node:util";
import { UsageError, type Command } from "@mlops/compiler/cli";
import { runPlan } from "../executor/executor.js";
import { loadRunnablePlan } from "./load-plan.js";
import { PATH_GRANT_OPTIONS, PATH_GRANT_USAGE, pathGrants } from "./path-grant-options.js";
import { reporterFor } from "./run-command.js";
import { STORE_OPTIONS, STORE_USAGE, openCommandStores } from "./store-options.js";

const usage = `usage: mlops monitor [FILE|DIR|plan.json] [--name MONITOR...] [--env NAME] [--root DIR] [--quiet] [--json]

Runs the program's monitors once (default: all of them): drift of the current
traffic (.mlops/requests/DEPLOYMENT.jsonl, or a batch deployment's input) against
the reference, then the policies (alert, retrain, rollback). Same as
\`mlops run --group monitor.NAME\`; schedulers call it on each monitor's schedule.

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
        ...STORE_OPTIONS,
        ...PATH_GRANT_OPTIONS,
      },
    });
    const loaded = loadRunnablePlan(positionals[0] ?? ".", values.env, values.root, io);
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
        reporter: reporterFor(io, values),
        grants: pathGrants(values, io),
      });
      return result.status === "succeeded" ? 0 : 1;
    } finally {
      await stores.close();
    }
  },
};
