/** `/`: every recorded run, newest first: sortable, filterable, and a selection to compare. */
import { duration, html, num, raw, shortHash } from "../../report/html.js";
import type { RunView } from "../../report/run-view.js";
import { statusBadge } from "../../report/sections.js";
import { uiPage } from "./layout.js";
import { driftVerdict } from "./monitors-page.js";

/** Model metrics shown as columns: per model its first two (the gate's first), at most six in all. */
function metricColumns(views: RunView[]): Array<{ model: string; metric: string }> {
  const columns: Array<{ model: string; metric: string }> = [];
  for (const view of views)
    for (const model of view.models)
      for (const m of model.metrics.slice(0, 2))
        if (!columns.some((c) => c.model === model.name && c.metric === m.name)) columns.push({ model: model.name, metric: m.name });
  return columns.slice(0, 6);
}

/** What a run did, in a few words: the monitors it checked and their verdicts, else how many steps ran and how many were cached. */
function stepsSummary(view: RunView): string {
  const steps = view.run.steps;
  if (steps.length > 0 && steps.every((s) => s.stepId.startsWith("monitor."))) {
    const checked = steps.map((s) => {
      const report = view.monitorReports.find((r) => r.stepId === s.stepId)?.report;
      return `${s.stepId.slice("monitor.".length)} (${report ? driftVerdict(report) : s.status})`;
    });
    return `monitor ${checked.join(", ")}`;
  }
  const cached = steps.filter((s) => s.cacheHit).length;
  return `${steps.length} ${steps.length === 1 ? "step" : "steps"}${cached > 0 ? `, ${cached} cached` : ""}`;
}

export function runsPage(project: string, views: RunView[]): string {
  const columns = metricColumns(views);
  const header = [
    html`<th><span class="sr-only">select</span></th>`,
    ...["run", "status", "pipeline", "steps", "started", "duration", "commit", "params"].map((h) => html`<th class="sortable">${h}</th>`),
    ...columns.map((c) => html`<th class="sortable" data-type="number">${c.model} ${c.metric}</th>`),
    html`<th class="sortable" data-type="number">candidates</th>`,
  ];
  const rows = views.map((view) => {
    const { run } = view;
    const ctx = run.context;
    const params = Object.entries(ctx?.params ?? {})
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(" ");
    const candidates = view.models.reduce((n, m) => n + (m.search?.candidates.length ?? 0), 0);
    return html`<tr data-run="${run.id}">
<td><input type="checkbox" name="run" value="${run.id}" aria-label="select run ${run.id}"></td>
<td data-sort="${run.id}"><a href="/runs/${encodeURIComponent(run.id)}"><code>${run.id}</code></a></td>
<td data-sort="${run.status}">${statusBadge(run.status)}</td>
<td>${run.pipeline ?? "-"}${run.env ? ` (${run.env})` : ""}</td>
<td class="steps">${stepsSummary(view)}</td>
<td data-sort="${run.startedAt}">${run.startedAt.replace("T", " ").slice(0, 19)}</td>
<td data-sort="${view.durationMs ?? -1}">${duration(view.durationMs)}</td>
<td>${ctx?.git ? html`<code>${shortHash(ctx.git.commit, 8)}</code>${ctx.git.dirty ? raw('<span class="warn" title="uncommitted changes">*</span>') : ""}` : "-"}</td>
<td class="params"><code>${params}</code></td>
${columns.map((c) => {
  const value = view.models.find((m) => m.name === c.model)?.metrics.find((m) => m.name === c.metric)?.value;
  return html`<td data-sort="${value ?? ""}">${value === undefined ? "" : num(value)}</td>`;
})}
<td data-sort="${candidates}">${candidates || ""}</td>
</tr>`;
  });
  const body = html`<h1>Runs</h1>
<form method="get" action="/compare" id="runs-form">
<div class="toolbar"><input type="search" id="filter" placeholder="Filter: status, env, param, commit…" aria-label="filter runs"><button type="submit" id="compare" disabled>Compare selected</button><span class="muted" id="count">${views.length} runs</span></div>
${
  views.length === 0
    ? html`<p class="muted">No runs recorded yet: <code>mlops run</code> in this project records one.</p>`
    : html`<table id="runs" class="runs"><thead><tr>${header}</tr></thead><tbody>${rows}</tbody></table>`
}
</form>`;
  return uiPage("Runs", "runs", project, body);
}
