/** The pictures of one model in a run: curves of its evaluation, its coefficients, its search. */
import type { SearchResult } from "../search/run-search.js";
import type { ModelRunView } from "./run-view.js";
import { barChart } from "./svg/bar-chart.js";
import { confusionHeatmap } from "./svg/heatmap.js";
import { lineChart, type LineSeries } from "./svg/line-chart.js";
import { histogramChart, predictedVsActual } from "./svg/scatter-chart.js";

export interface Figure {
  /** Stable id (`roc`, `pr`, `search-l2`) for links and tests. */
  id: string;
  caption: string;
  svg: string;
}

export function modelFigures(model: ModelRunView): Figure[] {
  const figures: Figure[] = [];
  const curves = model.curves;
  const auc = model.metrics.find((m) => m.name === "auc")?.value;
  const prAuc = model.metrics.find((m) => m.name === "pr_auc")?.value;
  if (curves?.task === "binary_classification") {
    figures.push({
      id: "roc",
      caption: `ROC curve${auc != null ? ` (AUC ${auc.toFixed(3)})` : ""}`,
      svg: lineChart({
        title: `ROC curve of ${model.name}`,
        series: [{ label: `${model.name}${auc != null ? ` (AUC ${auc.toFixed(3)})` : ""}`, x: curves.roc.fpr, y: curves.roc.tpr }],
        xLabel: "false positive rate",
        yLabel: "true positive rate",
        xDomain: [0, 1],
        yDomain: [0, 1],
        diagonal: true,
      }),
    });
    figures.push({
      id: "pr",
      caption: `Precision-recall curve${prAuc != null ? ` (average precision ${prAuc.toFixed(3)})` : ""}`,
      svg: lineChart({
        title: `Precision-recall curve of ${model.name}`,
        series: [{ label: model.name, x: curves.pr.recall, y: curves.pr.precision }],
        xLabel: "recall",
        yLabel: "precision",
        xDomain: [0, 1],
        yDomain: [0, 1],
      }),
    });
    figures.push({
      id: "calibration",
      caption: "Calibration: the share of positives in each bin of predicted probability",
      svg: lineChart({
        title: `Calibration of ${model.name}`,
        series: [
          {
            label: model.name,
            x: curves.calibration.map((b) => b.meanPredicted),
            y: curves.calibration.map((b) => b.fractionPositive),
            dots: true,
            pointTitles: curves.calibration.map(
              (b) => `${b.from}–${b.to}: ${b.count} rows, ${Math.round(b.fractionPositive * 100)}% positive`,
            ),
          },
        ],
        xLabel: "mean predicted probability",
        yLabel: "fraction of positives",
        xDomain: [0, 1],
        yDomain: [0, 1],
        diagonal: true,
      }),
    });
  }
  if (curves && curves.task !== "regression") {
    figures.push({
      id: "confusion",
      caption: "Confusion matrix on the test split",
      svg: confusionHeatmap(`Confusion matrix of ${model.name}`, curves.confusion.labels, curves.confusion.matrix),
    });
  }
  if (curves?.task === "regression") {
    figures.push({
      id: "predicted",
      caption: "Predicted against actual on the test split",
      svg: predictedVsActual(`Predicted against actual, ${model.name}`, curves.sample.actual, curves.sample.predicted),
    });
    figures.push({
      id: "residuals",
      caption: "Residuals (actual − predicted) on the test split",
      svg: histogramChart(`Residuals of ${model.name}`, curves.residuals.edges, curves.residuals.counts, "residual"),
    });
  }
  const coefficients = model.coefficients;
  if (coefficients && coefficients.inputs.length > 0) {
    const output = coefficients.outputs.length === 1 ? 0 : -1;
    const bars =
      output === 0
        ? coefficients.inputs.map((label, i) => ({ label, value: coefficients.weights[i]![0]! }))
        : coefficients.inputs.map((label, i) => ({ label, value: Math.max(...coefficients.weights[i]!.map(Math.abs)) }));
    const top = bars.sort((a, b) => Math.abs(b.value) - Math.abs(a.value)).slice(0, 20);
    figures.push({
      id: "coefficients",
      caption:
        output === 0
          ? `Coefficients${bars.length > 20 ? " (the 20 largest)" : ""}, in the units of the model's inputs`
          : `Largest absolute coefficient over the ${coefficients.outputs.length} classes, per input${bars.length > 20 ? " (the 20 largest)" : ""}`,
      svg: barChart({ title: `Coefficients of ${model.name}`, bars: top, valueLabel: output === 0 ? "weight" : "max |weight|" }),
    });
  }
  if (model.search) figures.push(...searchFigures(model.name, model.search));
  return figures;
}

export function searchFigures(name: string, search: SearchResult): Figure[] {
  const figures: Figure[] = [
    {
      id: "search",
      caption: `${search.metric} of every candidate on the validation rows${search.validation.kind === "folds" ? ` (mean ± spread over ${search.validation.folds} folds)` : ""}; the winner in red`,
      svg: barChart({
        title: `Search of ${name}: ${search.metric} by candidate`,
        bars: search.candidates.map((c) => ({
          label: `#${c.index + 1} ${c.label}`,
          value: c.score,
          error: search.validation.kind === "folds" ? c.spread[search.metric] : null,
          highlight: c.index === search.best,
        })),
        valueLabel: `${search.metric} (${search.better} is better)`,
        zero: false,
      }),
    },
  ];
  for (const field of variedFields(search)) {
    const series: LineSeries[] = [];
    for (const group of groupsAlong(search, field)) {
      series.push({
        label: group.label,
        x: group.candidates.map((c) => c.varied[field]!),
        y: group.candidates.map((c) => c.score ?? Number.NaN),
        dots: true,
        pointTitles: group.candidates.map((c) => `#${c.index + 1} ${c.label}: ${search.metric} ${c.score ?? "n/a"}`),
      });
    }
    const values = search.candidates.flatMap((c) => (c.varied[field] === undefined ? [] : [c.varied[field]!]));
    const logX = values.every((v) => v > 0) && Math.max(...values) / Math.min(...values) >= 100;
    figures.push({
      id: `search-${field}`,
      caption: `${search.metric} against ${field}${series.length > 1 ? " (one line per setting of the other fields)" : ""}`,
      svg: lineChart({ title: `${search.metric} against ${field}, ${name}`, series, xLabel: field, yLabel: search.metric, logX }),
    });
  }
  return figures;
}

/** Hyperparameters that take more than one value among the candidates. */
export function variedFields(search: SearchResult): string[] {
  const fields = new Set<string>();
  for (const c of search.candidates) for (const k of Object.keys(c.varied)) fields.add(k);
  return [...fields].filter((f) => new Set(search.candidates.map((c) => c.varied[f])).size > 1);
}

/** Candidates that differ only in `field`, sorted by it: one line of a metric-against-hyperparameter chart. */
function groupsAlong(search: SearchResult, field: string) {
  const groups = new Map<string, { label: string; candidates: SearchResult["candidates"] }>();
  for (const c of search.candidates) {
    if (c.varied[field] === undefined) continue;
    const rest = Object.entries(c.varied)
      .filter(([k]) => k !== field)
      .map(([k, v]) => `${k}=${v}`);
    const label = [c.trainer.kind, ...rest].join(" ");
    let group = groups.get(label);
    if (!group) groups.set(label, (group = { label, candidates: [] }));
    group.candidates.push(c);
  }
  for (const g of groups.values()) g.candidates.sort((a, b) => a.varied[field]! - b.varied[field]!);
  return [...groups.values()];
}
