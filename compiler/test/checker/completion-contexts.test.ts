/**
 * Completion offers what is valid where the cursor is: impute strategies only
 * as impute's strategy, columns (not aggregates) inside an aggregate's
 * parentheses, types in type slots, columns after `by =`, inputs in
 * `features = [`, project files in `import "`, durations in `every(`, and each
 * declaration keyword once.
 */
import { describe, expect, it } from "vitest";
import { MemoryHost } from "../../src/host/memory-host.js";
import { createProgram } from "../../src/program/program.js";
import { type CompletionItem, completionsAt } from "../../src/services/index.js";

const PATH = "/w/app/main.mlops";
const base = `pipeline p {
  owner = "x"
}

source s {
  format = csv
  path   = "d.csv"
  schema {
    amount:  float?
    count:   int
    kind:    enum("a", "b")
    country: string
    y:       bool
  }
}

features f from s {
  a = log1p(count)
}
`;

/** Completion at `|` in `base + tail`, with other project files when given. */
function complete(tail: string, files: Record<string, string> = {}, projectFiles?: string[]): CompletionItem[] {
  const marked = base + tail;
  const offset = marked.indexOf("|");
  const host = new MemoryHost({ [PATH]: marked.replace("|", ""), ...files });
  const program = createProgram({ host, rootFiles: [PATH] });
  return completionsAt(program, PATH, offset, projectFiles ? { projectFiles } : {});
}

const labels = (items: CompletionItem[]): string[] => items.map((i) => i.label);

describe("completion offers only what is valid where the cursor is", () => {
  it("impute strategies only as impute's second argument; mean and median only for a numeric first argument", () => {
    const expression = labels(complete("features g from s {\n  b = |\n}\n"));
    expect(expression).toContain("impute");
    expect(expression).not.toContain("mean");
    expect(expression).not.toContain("median");
    expect(expression).not.toContain("mode");
    expect(labels(complete("features g from s {\n  b = impute(amount, |)\n}\n"))).toEqual(["mean", "median", "mode"]);
    expect(labels(complete("features g from s {\n  b = impute(country, |)\n}\n"))).toEqual(["mode"]);
  });

  it("inside null_rate( the source's columns, not aggregates; numeric columns for mean(", () => {
    const source = (expect: string) =>
      `source t {\n  format = csv\n  path = "t.csv"\n  schema {\n    v: float?\n    name: string\n  }\n  expect {\n    ${expect}\n  }\n}\n`;
    expect(labels(complete(source("null_rate(|) <= 5%")))).toEqual(["v", "name"]);
    expect(labels(complete(source("mean(|) >= 1")))).toEqual(["v"]);
    expect(labels(complete(source("quantile(v, |) >= 1")))).toEqual([]);
    const start = complete(source("|"));
    expect(labels(start)).toEqual([
      "row_count",
      "null_rate",
      "distinct_count",
      "duplicate_rate",
      "mean",
      "min",
      "max",
      "stddev",
      "quantile",
    ]);
    expect(start.find((i) => i.label === "null_rate")?.insertText).toBe("null_rate(");
  });

  it("column types in a schema and param types after `param NAME:`", () => {
    const columns = complete('source t {\n  format = csv\n  path = "t.csv"\n  schema {\n    v: |\n  }\n}\n');
    expect(labels(columns)).toEqual(["int", "float", "bool", "string", "timestamp", "date", "enum"]);
    expect(columns.find((i) => i.label === "enum")?.snippet).toBe('enum("${1:a}", "${2:b}")');
    expect(labels(complete("param p: |\n"))).toEqual([
      "int",
      "float",
      "bool",
      "string",
      "ratio",
      "duration",
      "cpu",
      "memory",
      "list",
      "enum",
    ]);
    expect(labels(complete("param p: du|\n"))).toContain("duration");
  });

  it("the model source's categorical columns after `by =` of a fairness metric", () => {
    const gate = `model m {\n  task = binary_classification\n  features = f\n  target = s.y\n  trainer = logistic_regression {}\n}\n`;
    expect(labels(complete(`${gate}gate g {\n  model = m\n  require demographic_parity_difference(by = |) <= 0.1\n}\n`))).toEqual([
      "kind",
      "country",
      "y",
    ]);
  });

  it("feature sets and sources inside `features = [ ]`", () => {
    const items = complete("model m {\n  task = regression\n  features = [f, |]\n}\n");
    expect(labels(items)).toEqual(["f", "s"]);
    expect(items.find((i) => i.label === "s")?.insertText).toBe("s.");
    expect(labels(complete("model m {\n  task = regression\n  features = [|\n}\n"))).toEqual(["f", "s"]);
    expect(labels(complete("model m {\n  task = regression\n  features = [s.|]\n}\n"))).toEqual([
      "amount",
      "count",
      "kind",
      "country",
      "y",
    ]);
  });

  it("the project's files, relative to the importing file, in `import \"`", () => {
    const project = ["/w/app/main.mlops", "/w/app/lib/sources.mlops", "/w/shared/common.mlops", "/w/app/readme.md"];
    const items = complete('import "|\n', {}, project);
    expect(labels(items)).toEqual(["./lib/sources.mlops", "../shared/common.mlops"]);
    const typed = 'import "./l|';
    const narrowed = complete(`${typed}\n`, {}, project);
    expect(labels(narrowed)).toEqual(["./lib/sources.mlops"]);
    const at = (base + typed).indexOf("|");
    expect(narrowed[0]?.replace).toEqual({ start: at - "./l".length, end: at });
  });

  it("leaves out files the file already imports", () => {
    const project = ["/w/app/main.mlops", "/w/app/a.mlops", "/w/app/b.mlops"];
    const items = complete('import "./a.mlops"\nimport "|\n', { "/w/app/a.mlops": "param q: int = 1\n" }, project);
    expect(labels(items)).toEqual(["./b.mlops"]);
  });

  it("durations in `every(`, and duration units after its number", () => {
    const monitor = (schedule: string) =>
      `model m {\n  task = binary_classification\n  features = f\n  target = s.y\n  trainer = logistic_regression {}\n}\ndeploy d {\n  model = m\n  target = local { port = 8080 }\n}\nmonitor mo {\n  deployment = d\n  reference = training\n  schedule = ${schedule}\n}\n`;
    expect(labels(complete(monitor("every(|)")))).toEqual(["15m", "1h", "6h", "1d", "7d"]);
    expect(labels(complete(monitor("every(6|)")))).toEqual(["ms", "s", "m", "h", "d", "w"]);
    expect(labels(complete(monitor("every(6h|)")))).toEqual(["h"]);
  });

  it("each declaration keyword once at the top level, with its snippet, and no second pipeline", () => {
    const items = complete("|");
    const names = labels(items);
    expect(new Set(names).size).toBe(names.length);
    expect(names).not.toContain("pipeline");
    expect(items.find((i) => i.label === "features")?.snippet).toContain("from ${2|s|}");
    expect(items.every((i) => i.snippet !== undefined && i.insertText === `${i.label} `)).toBe(true);
  });
});
