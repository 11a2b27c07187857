import type { ColumnSpec, Expectation, PlanExpr, PlanExprNode, SourceSpec, ValueType } from "../plan.js";
import { evaluatePlanExpr } from "../plan-expr.js";
import * as agg from "./aggregates.js";
import type { BadRowReport } from "./bad-rows.js";
import { MS_PER_DAY, getColumn, type Column, type Dataset } from "./dataset.js";

export type CheckValue = number | boolean | null;

export interface ExpectationResult {
  text: string;
  passed: boolean;
  /** What the whole check evaluated to (a failed comparison on a null aggregate is false). */
  value: CheckValue;
  /** Each aggregate the check read, by its text (`null_rate(country)`). */
  aggregates: Record<string, number | null>;
  /** Why the check could not be evaluated (unknown function or column). */
  error?: string;
}

export interface ColumnSummary {
  name: string;
  /** The declared type as written (`float?`, `enum(a, b)`). */
  type: string;
  count: number;
  nulls: number;
  nullRate: number | null;
  distinct: number;
  mean?: number | null;
  stddev?: number | null;
  /** Timestamps and dates as ISO 8601 text, numbers as numbers. */
  min?: number | string | null;
  max?: number | string | null;
  p25?: number | null;
  p50?: number | null;
  p75?: number | null;
  /** Most frequent values of a categorical column (at most 5). */
  top?: Array<{ value: string; count: number }>;
}

export interface DataReport {
  source: string;
  file: string;
  contentHash?: string;
  rowCount: number;
  badRows?: BadRowReport;
  passed: boolean;
  expectations: ExpectationResult[];
  columns: ColumnSummary[];
}

export interface DataReportContext {
  file?: string;
  contentHash?: string;
  badRows?: BadRowReport;
}

/** Evaluates every expectation of `source` over `dataset` and summarises each column. */
export function buildDataReport(source: SourceSpec, dataset: Dataset, context: DataReportContext = {}): DataReport {
  const expectations = source.expectations.map((e) => evaluateExpectation(e, dataset));
  return {
    source: source.name,
    file: context.file ?? source.path,
    ...(context.contentHash ? { contentHash: context.contentHash } : {}),
    rowCount: dataset.rowCount,
    ...(context.badRows ? { badRows: context.badRows } : {}),
    passed: expectations.every((e) => e.passed),
    expectations,
    columns: source.columns.map((c) => summarizeColumn(c, getColumn(dataset, c.name))),
  };
}

export function evaluateExpectation(expectation: Expectation, dataset: Dataset): ExpectationResult {
  const aggregates: Record<string, number | null> = {};
  try {
    const value = evaluate(expectation.expr, dataset, aggregates);
    return { text: expectation.text, passed: value === true, value, aggregates };
  } catch (error) {
    return { text: expectation.text, passed: false, value: null, aggregates, error: (error as Error).message };
  }
}

function evaluate(expr: PlanExpr, dataset: Dataset, seen: Record<string, number | null>): CheckValue {
  return evaluatePlanExpr<CheckValue>(expr, {
    lit(node) {
      if (typeof node.value === "string") throw new Error(`a string (${JSON.stringify(node.value)}) is not a check value`);
      return node.value;
    },
    ref(node) {
      throw new Error(`"${node.name}" must be inside an aggregate such as null_rate(${node.name})`);
    },
    call(node) {
      const args = node.args.map((index) => expr.nodes[index]!);
      const value = aggregate(node.fn, args, dataset);
      seen[callText(node.fn, args)] = value;
      return value;
    },
    evaluatedArgs: () => 0,
    unary(node, v) {
      if (v === null) return null;
      return node.operator === "not" ? !v : -Number(v);
    },
    binary: (node, left, right) => binary(node.operator, left, () => right),
  });
}

const COMPARISONS = new Set(["==", "!=", "<", "<=", ">", ">="]);

function binary(operator: string, left: CheckValue, right: () => CheckValue): CheckValue {
  if (operator === "and") return left === false ? false : and(left, right());
  if (operator === "or") return left === true ? true : or(left, right());
  const r = right();
  if (left === null || r === null) return COMPARISONS.has(operator) ? false : null;
  const a = Number(left);
  const b = Number(r);
  switch (operator) {
    case "==":
      return a === b;
    case "!=":
      return a !== b;
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case ">":
      return a > b;
    case ">=":
      return a >= b;
    case "+":
      return a + b;
    case "-":
      return a - b;
    case "*":
      return a * b;
    case "/":
      return b === 0 ? null : a / b;
    default:
      throw new Error(`unknown operator ${operator}`);
  }
}

function and(a: CheckValue, b: CheckValue): CheckValue {
  return b === false ? false : a === true && b === true ? true : null;
}

function or(a: CheckValue, b: CheckValue): CheckValue {
  return b === true ? true : a === false && b === false ? false : null;
}

function aggregate(fn: string, args: PlanExprNode[], dataset: Dataset): number | null {
  if (fn === "row_count") return dataset.rowCount;
  const column = columnArg(fn, args, dataset);
  switch (fn) {
    case "null_rate":
      return agg.nullRate(column, dataset.rowCount);
    case "distinct_count":
      return agg.distinctCount(column);
    case "duplicate_rate":
      return agg.duplicateRate(column, dataset.rowCount);
    case "mean":
      return agg.mean(agg.numericValues(column));
    case "min":
      return agg.min(agg.numericValues(column));
    case "max":
      return agg.max(agg.numericValues(column));
    case "stddev":
      return agg.stddev(agg.numericValues(column));
    case "quantile": {
      const q = args[1];
      if (q?.op !== "lit" || typeof q.value !== "number") throw new Error("quantile(column, q) needs a number q in 0..1");
      return agg.quantile(agg.numericValues(column), q.value);
    }
    default:
      throw new Error(`unknown aggregate ${fn}()`);
  }
}

function columnArg(fn: string, args: PlanExprNode[], dataset: Dataset): Column {
  const arg = args[0];
  if (arg?.op !== "ref") throw new Error(`${fn}() takes a column`);
  return getColumn(dataset, arg.name);
}

function callText(fn: string, args: PlanExprNode[]): string {
  return `${fn}(${args.map((a) => (a.op === "ref" ? a.name : a.op === "lit" ? String(a.value) : "…")).join(", ")})`;
}

export function typeText(type: ValueType): string {
  const base = type.kind === "enum" ? `enum(${type.values.map((v) => JSON.stringify(v)).join(", ")})` : type.kind;
  return type.nullable ? `${base}?` : base;
}

export function summarizeColumn(spec: ColumnSpec, column: Column): ColumnSummary {
  const rows = column.nulls.length;
  const nulls = agg.nullCount(column);
  const summary: ColumnSummary = {
    name: spec.name,
    type: typeText(spec.type),
    count: rows - nulls,
    nulls,
    nullRate: rows === 0 ? null : nulls / rows,
    distinct: agg.distinctCount(column),
  };
  const kind = spec.type.kind;
  if (kind === "int" || kind === "float") {
    const sorted = agg.numericValues(column).sort();
    Object.assign(summary, {
      mean: agg.mean(sorted),
      stddev: agg.stddev(sorted),
      min: agg.min(sorted),
      max: agg.max(sorted),
      p25: agg.quantileSorted(sorted, 0.25),
      p50: agg.quantileSorted(sorted, 0.5),
      p75: agg.quantileSorted(sorted, 0.75),
    });
  } else if (kind === "timestamp" || kind === "date") {
    const values = agg.numericValues(column);
    const scale = kind === "date" ? MS_PER_DAY : 1;
    const iso = (v: number | null) => (v === null ? null : new Date(v * scale).toISOString().slice(0, kind === "date" ? 10 : 24));
    Object.assign(summary, { min: iso(agg.min(values)), max: iso(agg.max(values)) });
  } else {
    summary.top = agg.valueCounts(column).slice(0, 5);
  }
  return summary;
}

/** The report as readable text: one line per check, then one per column. */
export function formatDataReport(report: DataReport): string {
  const lines = [
    `Data report for source ${report.source} (${report.file}): ${report.rowCount} rows${report.passed ? "" : " — EXPECTATIONS FAILED"}`,
  ];
  if (report.contentHash) lines.push(`  content sha256 ${report.contentHash}`);
  if (report.badRows && report.badRows.dropped > 0) lines.push(`  ${report.badRows.dropped} bad rows dropped`);
  if (report.expectations.length > 0) lines.push("", "Expectations:");
  for (const e of report.expectations) {
    const values = Object.entries(e.aggregates).map(([k, v]) => `${k} = ${formatNumber(v)}`);
    const detail = e.error ? ` (${e.error})` : values.length > 0 ? `  (${values.join(", ")})` : "";
    lines.push(`  ${e.passed ? "pass" : "FAIL"}  ${e.text}${detail}`);
  }
  lines.push("", "Columns:");
  for (const c of report.columns) {
    const parts = [
      `${c.name}: ${c.type}`,
      `nulls ${c.nulls} (${formatNumber(c.nullRate === null ? null : c.nullRate * 100)}%)`,
      `distinct ${c.distinct}`,
    ];
    if (c.mean !== undefined) parts.push(`mean ${formatNumber(c.mean)}`, `std ${formatNumber(c.stddev ?? null)}`);
    if (c.min !== undefined)
      parts.push(
        `min ${typeof c.min === "number" ? formatNumber(c.min) : c.min}`,
        `max ${typeof c.max === "number" ? formatNumber(c.max) : c.max}`,
      );
    if (c.top) parts.push(`top ${c.top.map((t) => `${t.value} (${t.count})`).join(", ")}`);
    lines.push(`  ${parts.join(", ")}`);
  }
  return `${lines.join("\n")}\n`;
}

function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined) return "n/a";
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
}
