/**
 * `mlops report RUN -o DIR`: one self-contained HTML file per run (inline SVG and CSS, no script,
 * no network): the run's facts and params, per model its metrics, trainer, search candidates and
 * pictures, each gate's verdict rule by rule, the data expectations and the steps.
 */
import { html, raw, type Markup } from "./html.js";
import type { RunView } from "./run-view.js";
import { dataSection, gateSection, modelSection, monitorSection, paramsTable, runFacts, stepsTable } from "./sections.js";
import { STYLE } from "./style.js";

export function renderRunReport(view: RunView): string {
  return page(`Run ${view.run.id} — ${view.run.pipeline ?? "mlops"}`, html`<main>${runBody(view)}</main>`);
}

/** Everything of a run's page below the title line's links: the report's body and the UI's run page. */
export function runBody(view: RunView, links: Markup = raw("")): Markup {
  const { run } = view;
  return html`<h1>Run <code>${run.id}</code></h1>
${links}
${runFacts(view)}
<h2>Params</h2>
${paramsTable(run)}
${view.models.map(modelSection)}
${view.gates.map((g) => gateSection(g.stepId, g.verdict))}
${view.dataReports.map((d) => dataSection(d.stepId, d.report))}
${view.monitorReports.map((m) => monitorSection(m.stepId, m.report))}
<h2>Steps</h2>
${stepsTable(run)}`;
}

export function page(title: string, body: Markup, head: Markup = raw("")): string {
  return `<!doctype html>\n${html`<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title><style>${raw(STYLE)}</style>${head}</head><body>${body}</body></html>`.html}\n`;
}
