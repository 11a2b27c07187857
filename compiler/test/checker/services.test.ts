import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { MemoryHost } from "../../src/host/memory-host.js";
import { createProgram, type Program } from "../../src/program/program.js";
import { completionsAt, definition, hoverAt, references, symbolAt, typeAt } from "../../src/services/index.js";

const read = (rel: string): string => readFileSync(fileURLToPath(new URL(rel, import.meta.url)), "utf8");
const fraud = read("fixtures/fraud.mlops");

function programOf(files: Record<string, string>): Program {
  const stdlib = {
    targets: read("../../../stdlib/std/targets.mlops"),
    gates: read("../../../stdlib/std/gates.mlops"),
    monitors: read("../../../stdlib/std/monitors.mlops"),
  };
  return createProgram({ host: new MemoryHost(files, stdlib), rootFiles: [Object.keys(files)[0]!] });
}

/** The program of `text` with `|` marking the cursor (removed from the text). */
function at(text: string, marked: string): { program: Program; offset: number } {
  const offset = marked.indexOf("|");
  const source = marked.replace("|", "");
  void text;
  return { program: programOf({ "/w/main.mlops": source }), offset };
}

/** `fraud` with `needle` replaced by `replacement` (which holds the `|` cursor). */
function edit(needle: string, replacement: string) {
  expect(fraud.includes(needle)).toBe(true);
  return at(fraud, fraud.replace(needle, replacement));
}

const labels = (items: Array<{ label: string }>): string[] => items.map((i) => i.label);

describe("completion", () => {
  it("offers the fields of the block kind that are not set yet", () => {
    const { program, offset } = edit('  owner       = "risk-ml@example.com"\n', "  |\n");
    expect(labels(completionsAt(program, "/w/main.mlops", offset))).toEqual([
      "owner",
      "resources",
      "retries",
      "retry_delay",
      "timeout",
      "placement",
      "queue",
    ]);
    const gate = edit("  model = fraud_clf\n", "  model = fraud_clf\n  |\n");
    expect(completionsAt(gate.program, "/w/main.mlops", gate.offset)).toEqual([
      {
        label: "on_no_champion",
        kind: "field",
        detail: "pass | fail = pass",
        documentation: "What `champion.*` rules do when there is no production model.",
        insertText: "on_no_champion = ",
      },
      { label: "require", kind: "keyword", detail: "require statement" },
    ]);
  });

  it("offers the fields of a nested constructor record", () => {
    const { program, offset } = edit('    namespace = "risk"\n', '    namespace = "risk"\n    |\n');
    const items = completionsAt(program, "/w/main.mlops", offset);
    expect(labels(items)).toEqual([]);
    const { program: p2, offset: o2 } = edit("    autoscale = { min = 2, max = 10, target_cpu = 70% }\n", "    |\n");
    expect(labels(completionsAt(p2, "/w/main.mlops", o2))).toEqual(["autoscale"]);
  });

  it("offers columns of the bound source and features and functions in a feature expression", () => {
    const { program, offset } = edit("  amount_log = log1p(amount)", "  amount_log = log1p(am|ount)");
    const items = labels(completionsAt(program, "/w/main.mlops", offset));
    expect(items).toEqual(expect.arrayContaining(["amount", "merchant_category", "is_night", "log1p", "one_hot", "impute"]));
    // an impute strategy is only valid as impute's second argument
    expect(items).not.toContain("median");
  });

  it("offers only the metrics of the gate's model task", () => {
    const { program, offset } = edit("  require recall >= 70%", "  require |recall >= 70%");
    const items = labels(completionsAt(program, "/w/main.mlops", offset));
    expect(items).toContain("auc");
    expect(items).toContain("demographic_parity_difference");
    expect(items).not.toContain("rmse");
    expect(items).not.toContain("macro_f1");
  });

  it("offers the drift methods valid for the column's type", () => {
    const { program, offset } = edit("  drift merchant_category: jensen_shannon > 0.1", "  drift merchant_category: |");
    expect(labels(completionsAt(program, "/w/main.mlops", offset))).toEqual(["psi", "jensen_shannon", "chi_square", "auto"]);
    const numeric = edit("  drift amount:            psi > 0.2", "  drift amount: |");
    expect(labels(completionsAt(numeric.program, "/w/main.mlops", numeric.offset))).toEqual([
      "psi",
      "wasserstein",
      "jensen_shannon",
      "ks",
      "z_test",
      "auto",
    ]);
  });

  it("offers the units valid for the slot after a number", () => {
    const mem = edit("    memory    = 512Mi", "    memory    = 512|");
    expect(labels(completionsAt(mem.program, "/w/main.mlops", mem.offset))).toEqual(["Ki", "Mi", "Gi", "Ti", "K", "M", "G", "T"]);
    const window = edit("  window     = 1d", "  window     = 1|");
    expect(labels(completionsAt(window.program, "/w/main.mlops", window.offset))).toEqual(["ms", "s", "m", "h", "d", "w"]);
    const latency = edit("  require latency_p95 <= 20ms", "  require latency_p95 <= 20|");
    expect(labels(completionsAt(latency.program, "/w/main.mlops", latency.offset))).toContain("ms");
  });

  it("offers enum values inside a string compared with an enum column", () => {
    const { program, offset } = edit("  is_night   = hour < 6 or hour >= 22", '  is_night   = merchant_category == "|"');
    expect(labels(completionsAt(program, "/w/main.mlops", offset))).toEqual(["grocery", "travel", "online", "fuel"]);
  });

  it("offers declarations of the expected kind, and params after `params.`", () => {
    const gate = edit("  gate     = release", "  gate     = |");
    expect(completionsAt(gate.program, "/w/main.mlops", gate.offset)).toEqual([
      { label: "release", kind: "declaration", detail: "gate release" },
    ]);
    const params = edit("    replicas  = params.replicas", "    replicas  = params.|");
    expect(labels(completionsAt(params.program, "/w/main.mlops", params.offset))).toEqual(["replicas", "min_auc"]);
    const word = edit("  task     = binary_classification", "  task     = |");
    expect(labels(completionsAt(word.program, "/w/main.mlops", word.offset))).toEqual([
      "binary_classification",
      "multiclass_classification",
      "regression",
    ]);
  });

  it("offers columns after `source.` and stdlib modules after `import std.`", () => {
    const member = edit("  target   = transactions.is_fraud", "  target   = transactions.|");
    expect(labels(completionsAt(member.program, "/w/main.mlops", member.offset))).toContain("is_fraud");
    const imp = at(fraud, `import std.|\n${fraud}`);
    expect(labels(completionsAt(imp.program, "/w/main.mlops", imp.offset))).toEqual(["gates", "monitors", "targets"]);
  });
});

describe("hover", () => {
  const program = programOf({ "/w/main.mlops": fraud });
  const hover = (needle: string, delta = 0) => hoverAt(program, "/w/main.mlops", fraud.indexOf(needle) + delta)?.contents;

  it("shows a param's value per env", () => {
    expect(hover("params.min_auc", 8)).toBe(
      "```mlops\nparam min_auc: ratio\n```\n\n| env | value |\n|---|---|\n| (default) | `85%` = 0.85 (85%) |\n| prod | `90%` = 0.9 (90%) |\n| staging | (default) |",
    );
    expect(hover("params.replicas", 8)).toBe(
      "```mlops\nparam replicas: int\n```\n\n| env | value |\n|---|---|\n| (default) | `2` |\n| prod | `6` |\n| staging | `1` |",
    );
  });

  it("shows normalised quantities", () => {
    expect(hover("512Mi", 1)).toBe(
      "```mlops\nkubernetes.memory: memory — 512Mi = 536,870,912 bytes\n```\n\n`Mi` = mebibytes (1024² bytes)",
    );
    expect(hover("interval = 10m", 12)).toContain("10m = 600,000 ms (10 min)");
  });

  it("shows a model's input vector layout and doc comments", () => {
    const text = hover("model    = fraud_clf", 12)!;
    expect(text).toContain("model fraud_clf: binary_classification");
    expect(text).toContain("| 3 | 4 | tx.category | vector<float, 4> |");
    expect(text).toContain("input vector (39 floats)");
    expect(hover("pipeline fraud_detection", 10)).toContain("Card-transaction fraud classifier.");
  });

  it("shows columns, metrics and fields with their docs", () => {
    expect(hover("log1p(amount)", 7)).toBe("```mlops\ncolumn transactions.amount: float\n```");
    expect(hover("require auc", 9)).toBe("```mlops\nmetric auc (ratio, higher is better)\n```\n\nArea under the ROC curve.");
    expect(hover("  split    =", 3)).toContain("Train/test split.");
  });

  it("shows the scikit-learn equivalents of l2", () => {
    const text = hover("l2 = 0.001", 1)!;
    expect(text).toContain("`C = 1/(n·l2)` (LogisticRegression)");
    expect(text).toContain("`alpha = n·l2` (Ridge)");
  });
});

describe("navigation", () => {
  const program = programOf({ "/w/main.mlops": fraud });
  const offset = (needle: string, delta = 0): number => fraud.indexOf(needle) + delta;

  it("finds the symbol and its definition", () => {
    expect(symbolAt(program, "/w/main.mlops", offset("log1p(amount)", 7))?.symbol.key).toBe("column:transactions.amount");
    expect(definition(program, "/w/main.mlops", offset("log1p(amount)", 7))?.range).toEqual({
      start: { line: 18, character: 4 },
      end: { line: 18, character: 10 },
    });
    expect(definition(program, "/w/main.mlops", offset("gate     = release", 12))?.range.start.line).toBe(48);
  });

  it("finds every reference, across statements", () => {
    const lines = references(program, "/w/main.mlops", offset("log1p(amount)", 7)).map((l) => l.range.start.line);
    expect(lines).toEqual([18, 28, 33, 34, 78]);
    const model = references(program, "/w/main.mlops", offset("model fraud_clf", 7)).map((l) => l.range.start.line);
    expect(model).toEqual([40, 49, 58, 81]);
  });

  it("gives the type of the expression under the cursor", () => {
    expect(typeAt(program, "/w/main.mlops", offset("one_hot(", 2))?.text).toBe("vector<float, 4>");
    expect(typeAt(program, "/w/main.mlops", offset("hour < 6", 1))?.text).toBe("int");
    expect(typeAt(program, "/w/main.mlops", offset("coalesce(", 2))?.text).toBe("string");
  });
});

describe("completion in half-typed files", () => {
  const base =
    'pipeline p { owner = "x" }\nsource s {\n  format = csv\n  path = "d.csv"\n  schema { amount: float\n    kind: enum("a", "b")\n    y: bool }\n}\nfeatures f from s { a = amount }\n';
  const complete = (tail: string): string[] => {
    const { program, offset } = at(base, base + tail);
    return labels(completionsAt(program, "/w/main.mlops", offset));
  };

  it("offers what a monitor's actions and labels name: notifiers, models, deployments, cooldown, sources, request_id", () => {
    const program =
      'model m {\n  task = binary_classification\n  features = f\n  target = s.y\n  trainer = logistic_regression {}\n}\ndeploy d {\n  model = m\n  target = local { port = 8080 }\n}\nnotifier oncall { webhook = "https://x.example.com" }\nmonitor mo {\n  deployment = d\n';
    expect(complete(`${program}  when error_rate > 1% => alert(|`)).toEqual(["oncall"]);
    expect(complete(`${program}  when error_rate > 1% => rollback(|`)).toEqual(["d"]);
    expect(complete(`${program}  when error_rate > 1% => retrain(m, |`)).toEqual(["cooldown"]);
    expect(complete(`${program}  labels = { source = |`)).toEqual(["s"]);
    expect(complete(`${program}  labels = { source = s, key = |`)).toEqual(["request_id"]);
  });

  it("works inside a block that is never closed", () => {
    expect(complete("model m {\n  task = binary_classification\n  |")).toEqual([
      "features",
      "target",
      "split",
      "trainer",
      "search",
      "resources",
      "retries",
      "retry_delay",
      "timeout",
      "placement",
      "queue",
    ]);
    expect(complete('model m {\n  queue = { pool = "gpu", |')).toEqual(["pool_slots", "priority", "priority_class"]);
    expect(complete("model m {\n  trainer = logistic_regression { epochs = 10, |")).toEqual([
      "learning_rate",
      "l2",
      "batch_size",
      "tolerance",
    ]);
    expect(complete("deploy d {\n  target = kubernetes { autoscale = { min = 1, |")).toEqual(["max", "target_cpu"]);
    expect(complete("model m {\n  target = s.|")).toEqual(["amount", "kind", "y"]);
  });

  it("offers declaration keywords at the top level (no second pipeline)", () => {
    expect(complete("|")).toEqual([
      "import",
      "param",
      "env",
      "source",
      "features",
      "model",
      "gate",
      "deploy",
      "monitor",
      "notifier",
      "template",
    ]);
  });
});

describe("hover on features", () => {
  it("shows the feature's type, definition and statefulness", () => {
    const program = programOf({ "/w/main.mlops": fraud });
    const text = hoverAt(program, "/w/main.mlops", fraud.indexOf("category   = one_hot") + 2)!.contents;
    expect(text).toBe(
      "```mlops\nfeature tx.category: vector<float, 4> = one_hot(merchant_category)\n```\n\nStateful: fitted on the training split and stored with the model.\n\nslots: `category=grocery`, `category=travel`, `category=online`, `category=fuel`",
    );
  });
});
