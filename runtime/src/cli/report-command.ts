import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { UsageError, type Command, writeFileAtomic } from "@mlops/compiler/cli-core";
import { renderRunReport } from "../report/run-report.js";
import { resolveRunRef } from "./run-ref.js";
import { loadRunView } from "../report/run-view.js";
import { STORE_OPTIONS, STORE_USAGE, openCommandStores } from "./store-options.js";

const usage = `usage: mlops report RUN -o DIR [--project DIR]

Writes DIR/index.html: one run as a self-contained page you can open offline, mail
or attach to a review (inline SVG and CSS, no script, nothing fetched): the run's
facts (params, data and plan hashes, git commit, tool), per model its metrics (the
gate's first), trainer, search candidates, ROC, precision-recall, calibration,
confusion matrix, residuals and coefficients; each gate's verdict rule by rule;
the data expectations; the steps. RUN is a run id, a unique prefix, or \`latest\`.
For each monitor the run checked, also DIR/monitor.NAME.html: that check's drift
report (verdicts and reference-vs-current histograms).

  -o, --out DIR    where to write index.html (created if needed)
  --project DIR    the project whose .mlops/ holds the run (default: the current directory)
${STORE_USAGE}`;

export const reportCommand: Command = {
  name: "report",
  summary: "write a run's HTML report (metrics, curves, gate verdict, data) to a folder",
  usage,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { out: { type: "string", short: "o" }, project: { type: "string" }, ...STORE_OPTIONS },
    });
    const [id] = positionals;
    if (!id || positionals.length > 1) throw new UsageError("expected one RUN (an id, a prefix, or latest)");
    if (!values.out) throw new UsageError("report needs -o DIR");
    const stores = await openCommandStores(values, io, resolve(io.cwd, values.project ?? "."), { existing: true });
    if (!stores) return 1;
    try {
      const view = await loadRunView(stores, await resolveRunRef(stores.metadata, id));
      if (!view) {
        io.stderr(`mlops report: no run ${id}\n`);
        return 1;
      }
      const file = join(resolve(io.cwd, values.out), "index.html");
      writeFileAtomic(file, renderRunReport(view));
      io.stdout(`wrote ${relative(io.cwd, file) || file} (run ${view.run.id})\n`);
      for (const step of view.run.steps) {
        const hash = step.outputs[`${step.stepId}/drift_report`];
        if (!hash) continue;
        const page = join(resolve(io.cwd, values.out), `${step.stepId}.html`);
        writeFileAtomic(page, await stores.artifacts.getText(hash));
        io.stdout(`wrote ${relative(io.cwd, page) || page} (the drift report of ${step.stepId} in this run)\n`);
      }
      return 0;
    } finally {
      await stores.close();
    }
  },
};
