/**
 * `/compare?run=A&run=B…`: runs side by side (facts, params, data, each model's trainer and
 * metrics), rows that differ marked; ROC curves overlaid; a search's metric against each searched
 * hyperparameter, one line per run; across runs, a metric against a hyperparameter that differs.
 */
import { html, raw, shortHash, type Content, type Markup } from "../../report/html.js";
import { compareRuns, union, type CellKind, type ComparedSection } from "../../report/run-comparison.js";
import { searchFigures, variedFields, type Figure } from "../../report/model-charts.js";
import type { RunView } from "../../report/run-view.js";
import { figureGrid, statusBadge } from "../../report/sections.js";
import { lineChart, type LineSeries } from "../../report/svg/line-chart.js";
import { PALETTE } from "../../report/svg/svg.js";
import { uiPage } from "./layout.js";

function sectionTable(section: ComparedSection, runs: RunView[]): Markup {
  return html`<h2>${section.title}</h2><table class="compare"><thead><tr><th></th>${runs.map(
    (v) => html`<th><a href="/runs/${encodeURIComponent(v.run.id)}"><code>${v.run.id}</code></a></th>`,
  )}</tr></thead><tbody>${section.rows.map((r) => {
    const mark = r.differs ? raw(' class="differs"') : raw("");
    const label = html`${r.differs ? "≠ " : ""}<code>${r.label}</code>${r.gated ? raw(' <span class="tag">gate</span>') : ""}`;
    return html`<tr${mark}><th>${label}</th>${r.values.map((value) => html`<td>${cell(r.kind, value)}</td>`)}</tr>`;
  })}</tbody></table>`;
}

function cell(kind: CellKind, value: string | undefined): Content {
  if (value === undefined) return "";
  if (kind === "status") return statusBadge(value);
  if (kind === "hash") return html`<code title="${value}">${shortHash(value)}</code>`;
  return value;
}

export function comparePage(project: string, runs: RunView[], recent: RunView[]): string {
  if (runs.length < 2) return uiPage("Compare", "compare", project, pickRuns(runs, recent));
  const models = [...new Set(runs.flatMap((v) => v.models.map((m) => m.name)))];
  const figures = models.flatMap((name) =>
    modelComparisonFigures(
      name,
      runs,
      runs.map((v) => v.models.find((m) => m.name === name)),
    ),
  );
  const body = html`<h1>Compare ${runs.length} runs</h1>
<p class="muted">Rows marked ≠ differ between the runs.</p>
${compareRuns(runs).map((section) => sectionTable(section, runs))}
${figures.length > 0 ? html`<h2>Pictures</h2>${figureGrid(figures)}` : ""}`;
  return uiPage("Compare", "compare", project, body);
}

function modelComparisonFigures(name: string, runs: RunView[], per: Array<RunView["models"][number] | undefined>): Figure[] {
  const figures: Figure[] = [];
  const roc: LineSeries[] = [];
  per.forEach((m, i) => {
    if (m?.curves?.task !== "binary_classification") return;
    const auc = m.metrics.find((x) => x.name === "auc")?.value;
    roc.push({
      label: `${runs[i]!.run.id}${auc != null ? ` (AUC ${auc.toFixed(3)})` : ""}`,
      x: m.curves.roc.fpr,
      y: m.curves.roc.tpr,
      color: PALETTE[i % PALETTE.length]!,
    });
  });
  if (roc.length > 0)
    figures.push({
      id: `compare-roc-${name}`,
      caption: `ROC curves of ${name}, one per run`,
      svg: lineChart({
        title: `ROC curves of ${name}`,
        series: roc,
        xLabel: "false positive rate",
        yLabel: "true positive rate",
        xDomain: [0, 1],
        yDomain: [0, 1],
        diagonal: true,
      }),
    });
  figures.push(...searchAcrossRuns(name, runs, per));
  figures.push(...metricAgainstHyperparameter(name, runs, per));
  return figures;
}

/** A search's metric against each searched hyperparameter, one line per run (and per setting of the other fields). */
function searchAcrossRuns(name: string, runs: RunView[], per: Array<RunView["models"][number] | undefined>): Figure[] {
  const searched = per.map((m, i) => ({ run: runs[i]!.run.id, search: m?.search ?? null })).filter((s) => s.search !== null);
  if (searched.length === 0) return [];
  if (searched.length === 1) return searchFigures(name, searched[0]!.search!).filter((f) => f.id !== "search");
  const fields = union(searched.map((s) => variedFields(s.search!)));
  return fields.map((field) => {
    const series: LineSeries[] = searched.map((s, i) => {
      const points = s.search!.candidates.filter((c) => c.varied[field] !== undefined).sort((a, b) => a.varied[field]! - b.varied[field]!);
      return {
        label: `${s.run} (${s.search!.metric})`,
        x: points.map((c) => c.varied[field]!),
        y: points.map((c) => c.score ?? Number.NaN),
        dots: true,
        color: PALETTE[i % PALETTE.length]!,
        pointTitles: points.map((c) => `${s.run} #${c.index + 1} ${c.label}: ${c.score ?? "n/a"}`),
      };
    });
    const values = series.flatMap((s) => s.x);
    const same = series.every((s) => sameNumbers(s.x, series[0]!.x) && sameNumbers(s.y, series[0]!.y));
    return {
      id: `compare-search-${name}-${field}`,
      caption: `${name}: the search metric against ${field}, one line per run${same ? " (the same in every run: the lines coincide)" : ""}`,
      svg: lineChart({
        title: `${name}: search metric against ${field}`,
        series,
        xLabel: field,
        yLabel: searched[0]!.search!.metric,
        logX: values.every((v) => v > 0) && Math.max(...values) / Math.min(...values) >= 100,
      }),
    };
  });
}

function sameNumbers(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i] || (Number.isNaN(v) && Number.isNaN(b[i]!)));
}

/** Across runs: the first metric against a numeric hyperparameter whose value differs between them. */
function metricAgainstHyperparameter(name: string, runs: RunView[], per: Array<RunView["models"][number] | undefined>): Figure[] {
  const metric = per.find((m) => m && m.metrics.length > 0)?.metrics[0]?.name;
  if (!metric) return [];
  const keys = union(per.map((m) => Object.keys(m?.hyperparameters ?? {})));
  const figures: Figure[] = [];
  for (const key of keys) {
    const points = per
      .map((m, i) => ({ run: runs[i]!.run.id, x: m?.hyperparameters?.[key], y: m?.metrics.find((x) => x.name === metric)?.value }))
      .filter((p): p is { run: string; x: number; y: number } => typeof p.x === "number" && typeof p.y === "number")
      .sort((a, b) => a.x - b.x);
    if (new Set(points.map((p) => p.x)).size < 2) continue;
    figures.push({
      id: `compare-${name}-${key}`,
      caption: `${name}: ${metric} on the test split against ${key}, one point per run`,
      svg: lineChart({
        title: `${name}: ${metric} against ${key}`,
        series: [
          {
            label: metric,
            x: points.map((p) => p.x),
            y: points.map((p) => p.y),
            dots: true,
            pointTitles: points.map((p) => `${p.run}: ${key}=${p.x}, ${metric} ${p.y}`),
          },
        ],
        xLabel: key,
        yLabel: metric,
        logX: points.every((p) => p.x > 0) && points.at(-1)!.x / points[0]!.x >= 100,
      }),
    });
  }
  return figures;
}

function pickRuns(selected: RunView[], recent: RunView[]): Markup {
  const chosen = new Set(selected.map((v) => v.run.id));
  return html`<h1>Compare runs</h1>
<p>Pick at least two runs (or select them in the <a href="/">runs table</a>).</p>
<form method="get" action="/compare"><table class="runs"><tbody>${recent.map(
    (v) =>
      html`<tr><td><input type="checkbox" name="run" value="${v.run.id}"${raw(chosen.has(v.run.id) ? " checked" : "")} aria-label="select run ${v.run.id}"></td><td><code>${v.run.id}</code></td><td>${statusBadge(v.run.status)}</td><td>${v.run.startedAt.replace("T", " ").slice(0, 19)}</td></tr>`,
  )}</tbody></table><button type="submit">Compare</button></form>`;
}
