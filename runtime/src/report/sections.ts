/** Parts of a run's page, shared by `mlops report` (a file) and `mlops ui` (a server). */
import { METRICS, fieldsUnusedBySolver } from "@mlops/compiler/core";
import type { DataReport } from "../data/expectations.js";
import type { SearchResult } from "../search/run-search.js";
import type { GateVerdict } from "../steps/gate.js";
import type { MonitorReport } from "../steps/monitor.js";
import type { RunDetails } from "../store/metadata-store.js";
import { duration, html, num, raw, shortHash, table, type Markup } from "./html.js";
import { modelFigures, type Figure } from "./model-charts.js";
import type { ModelRunView, RunView } from "./run-view.js";

export function statusBadge(status: string): Markup {
  return html`<span class="status status-${status}">${status}</span>`;
}

/** Who, when, how long, and everything that reproduces the run. */
export function runFacts(view: RunView): Markup {
  const { run } = view;
  const ctx = run.context;
  const rows: Array<[string, Markup | string]> = [
    ["status", statusBadge(run.status)],
    ["pipeline", `${run.pipeline ?? "-"}${run.env ? ` (env ${run.env})` : ""}`],
    ["started", `${run.startedAt.replace("T", " ").slice(0, 19)} UTC by ${run.user}@${run.host}`],
    ["duration", duration(view.durationMs)],
    ["plan", html`<code title="${run.planHash}">${shortHash(run.planHash)}</code>`],
  ];
  if (ctx) {
    rows.push(["sources", html`<code title="${ctx.sourceHash}">${shortHash(ctx.sourceHash)}</code>`]);
    rows.push([
      "data",
      html`${Object.entries(ctx.data).map(([name, hash]) => html`<span class="kv">${name} <code title="${hash}">${shortHash(hash)}</code></span> `)}`,
    ]);
    rows.push([
      "git",
      ctx.git
        ? html`<code>${shortHash(ctx.git.commit)}</code>${ctx.git.branch ? ` on ${ctx.git.branch}` : ""}${ctx.git.dirty ? raw(' <span class="warn">with uncommitted changes</span>') : ""}`
        : "not a git repository",
    ]);
    rows.push(["tool", `${ctx.tool.name} ${ctx.tool.version}, Node ${ctx.tool.node}, ${ctx.tool.platform}`]);
  }
  if (run.error) rows.push(["error", html`<pre class="error">${run.error}</pre>`]);
  return html`<table class="facts"><tbody>${rows.map(([k, v]) => html`<tr><th>${k}</th><td>${v}</td></tr>`)}</tbody></table>`;
}

export function paramsTable(run: RunDetails): Markup {
  const params = Object.entries(run.context?.params ?? {});
  if (params.length === 0) return html`<p class="muted">No params.</p>`;
  return table(
    ["param", "value"],
    params.map(([k, v]) => [html`<code>${k}</code>`, JSON.stringify(v)]),
  );
}

export function stepsTable(run: RunDetails): Markup {
  return table(
    ["step", "status", "time", "error"],
    run.steps.map((s) => [
      html`<code>${s.stepId}</code>`,
      statusBadge(s.cacheHit ? "cached" : s.status),
      duration(s.durationMs),
      s.error ? html`<span class="error">${s.error.split("\n")[0]}</span>` : "",
    ]),
    "steps",
  );
}

export function metricsTable(model: ModelRunView): Markup {
  if (model.metrics.length === 0) return html`<p class="muted">No evaluation in this run.</p>`;
  return table(
    ["metric", "value", ""],
    model.metrics.map((m) => {
      const base = METRICS[m.name.replace(/\(.*$/, "")];
      const unit = base?.unit === "ms" ? "ms" : "";
      return [
        html`<code>${m.name}</code>`,
        num(m.value, unit),
        m.gated ? html`<span class="tag">gate</span>` : base ? `${base.better} is better` : "",
      ];
    }),
    "metrics",
  );
}

export function hyperparametersTable(model: ModelRunView): Markup {
  const hp = model.hyperparameters;
  if (!hp) return html`<p class="muted">No trainer recorded in this run.</p>`;
  const unused = fieldsUnusedBySolver(model.fit?.solver ?? "");
  const rows: Array<[Markup | string, Markup | string]> = Object.entries(hp).map(([k, v]) => [
    html`<code>${k}</code>`,
    html`${typeof v === "object" ? JSON.stringify(v) : String(v)}${unused.has(k) ? html` <span class="muted unused">no effect with the ${model.fit!.solver.replace("_", "-")} solver</span>` : ""}`,
  ]);
  if (model.fit)
    rows.push(
      ["solver", model.fit.solver],
      ["iterations", String(model.fit.iterations)],
      ["training loss", num(model.fit.loss)],
      ["converged", model.fit.converged ? "yes" : "no"],
      ["training rows", String(model.fit.rows)],
    );
  return table(["hyperparameter", "value"], rows, "hyperparameters");
}

export function searchTable(search: SearchResult): Markup {
  const metrics = Object.keys(search.candidates[0]?.metrics ?? {});
  return table(
    ["#", "candidate", ...metrics.map((m) => (m === search.metric ? html`<strong>${m}</strong>` : m)), ""],
    search.candidates.map((c) => [
      String(c.index + 1),
      html`<code>${c.label}</code>`,
      ...metrics.map((m) => {
        const spread = search.validation.kind === "folds" && c.spread[m] !== null ? ` ± ${num(c.spread[m])}` : "";
        return `${num(c.metrics[m])}${spread}`;
      }),
      c.index === search.best ? html`<span class="tag best">best</span>` : c.cached ? html`<span class="muted">cached</span>` : "",
    ]),
    "candidates",
  );
}

export function figureGrid(figures: Figure[]): Markup {
  return html`<div class="figures">${figures.map(
    (f) => html`<figure id="fig-${f.id}" data-figure="${f.id}">${raw(f.svg)}<figcaption>${f.caption}</figcaption></figure>`,
  )}</div>`;
}

export function modelSection(model: ModelRunView): Markup {
  const search = model.search;
  return html`<section class="model" id="model-${model.name}">
<h2>Model <code>${model.name}</code>${model.task ? html` <span class="muted">${model.task.replace(/_/g, " ")}</span>` : ""}</h2>
<div class="columns"><div><h3>Metrics on the test split</h3>${metricsTable(model)}</div><div><h3>Trainer</h3>${hyperparametersTable(model)}</div></div>
${
  search
    ? html`<h3>Search: ${search.candidates.length} candidates, best by ${search.metric}</h3><p class="muted">${
        search.validation.kind === "folds"
          ? `${search.validation.folds}-fold cross-validation`
          : `a ${Math.round(search.validation.share * 100)}% validation share`
      } of the training split; the winner was refitted on the whole training split and evaluated on the test split.</p>${searchTable(search)}`
    : ""
}
${figureGrid(modelFigures(model))}
</section>`;
}

export function gateSection(stepId: string, verdict: GateVerdict): Markup {
  return html`<section class="gate" id="${stepId}"><h2>Gate <code>${verdict.gate}</code> ${statusBadge(verdict.passed ? "passed" : "failed")}</h2>
<p class="muted">Model <code>${verdict.model}</code>; champion: ${verdict.champion ? `production v${verdict.champion.version}` : "none"}.</p>
${table(
  ["rule", "value", "threshold", "verdict", "reason"],
  verdict.rules.map((r) => [
    html`<code>${r.rule}</code>`,
    num(r.value),
    r.threshold === null ? "-" : `${r.comparison} ${num(r.threshold)}`,
    statusBadge(r.passed ? "passed" : "failed"),
    r.reason,
  ]),
  "rules",
)}</section>`;
}

export function dataSection(stepId: string, report: DataReport): Markup {
  return html`<section class="data" id="${stepId}"><h2>Data <code>${report.source}</code> ${statusBadge(report.passed ? "passed" : "failed")}</h2>
<p class="muted">${report.file}: ${report.rowCount} rows${report.contentHash ? html`, sha256 <code>${shortHash(report.contentHash)}</code>` : ""}${
    report.badRows && report.badRows.dropped > 0 ? `, ${report.badRows.dropped} bad rows dropped` : ""
  }.</p>
${
  report.expectations.length > 0
    ? table(
        ["expectation", "verdict", "values"],
        report.expectations.map((e) => [
          html`<code>${e.text}</code>`,
          statusBadge(e.passed ? "passed" : "failed"),
          e.error ??
            Object.entries(e.aggregates)
              .map(([k, v]) => `${k} = ${num(v)}`)
              .join(", "),
        ]),
        "expectations",
      )
    : html`<p class="muted">No expectations.</p>`
}
${table(
  ["column", "type", "nulls", "distinct", "mean", "min", "max"],
  report.columns.map((c) => [
    html`<code>${c.name}</code>`,
    c.type,
    `${c.nulls}`,
    `${c.distinct}`,
    c.mean === undefined ? "" : num(c.mean),
    c.min === undefined ? "" : typeof c.min === "number" ? num(c.min) : (c.min ?? ""),
    c.max === undefined ? "" : typeof c.max === "number" ? num(c.max) : (c.max ?? ""),
  ]),
  "column-profile",
)}</section>`;
}

export function monitorSection(stepId: string, report: MonitorReport): Markup {
  return html`<section class="monitor" id="${stepId}"><h2>Monitor <code>${report.monitor}</code></h2>
<p class="muted">${report.deployment}, ${report.model} v${report.version}: ${report.currentRows} current rows against ${report.referenceRows} reference rows.</p>
${table(
  ["drift rule", "value", "threshold", "verdict"],
  report.drift.map((d) => [
    html`<code>${d.target}: ${d.method}</code>`,
    d.error ?? num(d.value),
    `${d.comparison} ${num(d.threshold)}`,
    statusBadge(d.drifted ? "drifted" : "ok"),
  ]),
)}
${table(
  ["policy", "fired", "action"],
  report.policies.map((p) => [html`<code>${p.policy}</code>`, p.triggered ? "yes" : "no", p.outcome ?? p.action]),
)}</section>`;
}
