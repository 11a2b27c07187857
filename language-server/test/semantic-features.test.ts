import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type {
  CodeAction,
  CompletionItem,
  CompletionList,
  Diagnostic,
  DocumentHighlight,
  Hover,
  InlayHint,
  Location,
  WorkspaceEdit,
  WorkspaceSymbol,
} from "vscode-languageserver-protocol";
import { applyEdits } from "../src/util/text-diff.js";
import { buildServer, repoRoot } from "./support/build-server.js";
import { expectedDiagnostics } from "./support/expected.js";
import { copyConformance, positionOf, read } from "./support/fixtures.js";
import { LspClient, messageText } from "./support/lsp-client.js";

let client: LspClient;
let ws: string;
let fraudPath: string;
let fraudUri: string;
let fraud: string;
const versions = new Map<string, number>();

beforeAll(async () => {
  ws = copyConformance();
  client = await LspClient.start(await buildServer(), { rootPath: ws });
  fraudPath = join(ws, "valid/fraud.mlops");
  fraud = read(fraudPath);
  fraudUri = await client.open(fraudPath);
  await client.waitForDiagnostics(fraudUri);
});
afterAll(async () => {
  await client?.stop();
});

async function labels(needle: string, delta: number, text = fraud, uri = fraudUri): Promise<string[]> {
  const result = await client.request<CompletionList | CompletionItem[] | null>("textDocument/completion", {
    textDocument: { uri },
    position: positionOf(text, needle, delta),
  });
  const items = Array.isArray(result) ? result : (result?.items ?? []);
  return items.map((i) => i.label);
}

async function hoverText(needle: string, delta = 0): Promise<string> {
  const hover = await client.request<Hover | null>("textDocument/hover", {
    textDocument: { uri: fraudUri },
    position: positionOf(fraud, needle, delta),
  });
  return hover ? (hover.contents as { value: string }).value : "";
}

function at(l: { range: { start: { line: number; character: number } } }): string {
  return `${l.range.start.line}:${l.range.start.character}`;
}

/** Opens a conformance file and waits for its diagnostics. */
async function openInvalid(name: string): Promise<{ uri: string; path: string; text: string; diagnostics: Diagnostic[] }> {
  const path = join(ws, "invalid", name);
  const text = read(path);
  const uri = await client.open(path, text);
  versions.set(uri, 1);
  const diagnostics = await client.waitForDiagnostics(uri, (p) => p.version === 1);
  return { uri, path, text, diagnostics };
}

/** Applies a code action's edit to the buffer (as the editor would) and returns the new text and diagnostics. */
async function applyAction(uri: string, text: string, action: CodeAction): Promise<{ text: string; diagnostics: Diagnostic[] }> {
  const edits = action.edit?.changes?.[uri] ?? [];
  expect(edits.length).toBeGreaterThan(0);
  const next = applyEdits(text, edits);
  const version = (versions.get(uri) ?? 1) + 1;
  versions.set(uri, version);
  await client.change(uri, version, [{ text: next }]);
  return { text: next, diagnostics: await client.waitForDiagnostics(uri, (p) => p.version === version) };
}

async function actionsFor(uri: string, diagnostic: Diagnostic): Promise<CodeAction[]> {
  return client.request<CodeAction[]>("textDocument/codeAction", {
    textDocument: { uri },
    range: diagnostic.range,
    context: { diagnostics: [diagnostic] },
  });
}

describe("diagnostics over stdio", () => {
  const files = [
    "cyclic",
    "drift_method",
    "duplicate",
    "enum_value",
    "invalid_cron",
    "metric_not_for_task",
    "missing_field",
    "missing_pipeline",
    "nullable_misuse",
    "out_of_range",
    "secret_exposure",
    "syntax_recovery",
    "target_type",
    "type_mismatch",
    "unit_mismatch",
    "unknown_field",
    "unknown_import",
    "unknown_reference",
  ];
  for (const name of files) {
    it(`publishes the checker's diagnostics for ${name}.mlops, every //~ mark among them`, async () => {
      const { path, text, diagnostics } = await openInvalid(`${name}.mlops`);
      const published = diagnostics.map((d) => `${at(d)} ${d.code} ${d.message}`).sort();
      expect(published).toEqual(
        expectedDiagnostics(path, text)
          .map((d) => `${at(d)} ${d.code} ${d.message}`)
          .sort(),
      );
      text.split("\n").forEach((line, index) => {
        const mark = /\/\/~(\^*) (?:warning )?([a-z-]+)/.exec(line);
        if (!mark) return;
        const target = index - mark[1]!.length;
        expect(diagnostics.some((d) => d.code === mark[2] && d.range.start.line === target)).toBe(true);
      });
    });
  }

  it("publishes no error for a valid file, only warnings on the settings it ignores", async () => {
    const diagnostics = await client.waitForDiagnostics(fraudUri);
    expect(diagnostics.map((d) => [d.severity, d.code])).toEqual([
      [2, "ignored-setting"],
      [2, "ignored-setting"],
      [2, "ignored-setting"],
    ]);
    expect(diagnostics.map((d) => messageText(d).split(":")[0])).toEqual([
      "`learning_rate` has no effect without `batch_size`",
      "`replicas` has no effect under `autoscale`",
      'alert("ml-oncall") posts nowhere',
    ]);
  });
});

describe("completion over stdio", () => {
  it("offers the task values after `task =`", async () => {
    expect(await labels("binary_classification", 0)).toEqual(["binary_classification", "multiclass_classification", "regression"]);
  });
  it("offers the columns of a source after `S.`", async () => {
    expect(await labels("transactions.is_fraud", "transactions.".length)).toEqual([
      "tx_id",
      "amount",
      "merchant_category",
      "hour",
      "country",
      "created_at",
      "is_fraud",
    ]);
  });
  it("offers only the metrics of the gate's model task after `require`", async () => {
    expect(await labels("require recall", "require ".length)).toEqual([
      "accuracy",
      "precision",
      "recall",
      "f1",
      "auc",
      "pr_auc",
      "log_loss",
      "brier",
      "demographic_parity_difference",
      "equalized_odds_difference",
      "latency_p50",
      "latency_p95",
      "latency_p99",
    ]);
  });
  it("offers the drift methods valid for a float column", async () => {
    expect(await labels("psi > 0.2", 0)).toEqual(["psi", "wasserstein", "jensen_shannon", "ks", "z_test", "auto"]);
  });
  it("offers memory units after a number in a memory slot, replacing only the unit typed so far", async () => {
    expect(await labels("512Mi", 3)).toEqual(["Ki", "Mi", "Gi", "Ti", "K", "M", "G", "T"]);
    const list = await client.request<CompletionList>("textDocument/completion", {
      textDocument: { uri: fraudUri },
      position: positionOf(fraud, "512Mi", 4),
    });
    const mi = list.items.find((i) => i.label === "Mi")!;
    expect(mi.textEdit).toEqual({ range: { start: positionOf(fraud, "512Mi", 3), end: positionOf(fraud, "512Mi", 4) }, newText: "Mi" });
  });
  it("offers params after `params.`", async () => {
    expect(await labels("params.min_auc", "params.".length)).toEqual(["replicas", "min_auc"]);
  });
  it("offers each declaration keyword once, as a whole-block snippet naming the file's declarations", async () => {
    const result = await client.request<CompletionList>("textDocument/completion", {
      textDocument: { uri: fraudUri },
      position: { line: 8, character: 0 },
    });
    expect(result.items.map((i) => i.label)).toEqual([
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
    const model = result.items.find((i) => i.label === "model")!;
    expect(model.insertTextFormat).toBe(2);
    expect(model.insertText).toContain("trainer  = ${8|logistic_regression,softmax_regression,linear_regression|}");
    expect(model.insertText).toContain("target   = ${4|transactions|}.");
    expect(result.items.find((i) => i.label === "gate")!.insertText).toContain("model = ${2|fraud_clf|}");
  });
});

describe("completion while typing a block", () => {
  const extra = `
gate g2 {
  model = 
  on
}
features tx2 from transactions {
  flag = merchant_category == "gr
}
deploy d2 {
  model = fraud_clf
  target = kubernetes {
    
  }
}
`;
  let uri: string;
  let text: string;
  beforeAll(async () => {
    text = fraud + extra;
    uri = await client.open(join(ws, "valid/typing.mlops"), text);
  });
  it("offers declarations of the expected kind after `model =`", async () => {
    expect(await labels("  model = \n", "  model = ".length, text, uri)).toEqual(["fraud_clf"]);
  });
  it("offers the fields not set yet, with types", async () => {
    expect(await labels("  on\n}", 4, text, uri)).toEqual(["on_no_champion", "require"]);
    const list = await client.request<CompletionList>("textDocument/completion", {
      textDocument: { uri },
      position: positionOf(text, "kubernetes {\n    \n", "kubernetes {\n    ".length),
    });
    expect(list.items.map((i) => `${i.label}: ${i.detail}`)).toEqual([
      "namespace: string (required)",
      "image: string (required)",
      "replicas: int in 1..10000",
      "cpu: cpu (required)",
      "memory: memory (required)",
      "autoscale: { min, max, target_cpu }",
    ]);
    expect(list.items[0]!.insertText).toBe("namespace = ");
  });
  it("offers enum values inside quotes", async () => {
    expect(await labels('== "gr', 6, text, uri)).toEqual(["grocery", "travel", "online", "fuel"]);
  });
});

describe("hover over stdio", () => {
  it("normalises quantities", async () => {
    expect(await hoverText("512Mi", 1)).toContain("kubernetes.memory: memory — 512Mi = 536,870,912 bytes");
  });
  it("shows a model's input vector layout", async () => {
    const text = await hoverText("fraud_clf {");
    expect(text).toContain("model fraud_clf: binary_classification");
    expect(text).toContain("input vector (39 floats)");
    expect(text).toContain("| 3 | 4 | tx.category | vector<float, 4> |");
  });
  it("shows a param's value in every env", async () => {
    const text = await hoverText("params.min_auc", "params.m".length);
    expect(text).toContain("param min_auc: ratio");
    expect(text).toMatch(/\| prod \|[^\n]*0\.9/);
    expect(text).toContain("**no env selected**: `params.min_auc` = `85%`");
  });
  it("shows a feature's type", async () => {
    expect(await hoverText("amount_z   =")).toContain("feature tx.amount_z: float");
  });
});

describe("hover everywhere", () => {
  it("says at every word of fraud.mlops what the checker's hoverAt says", async () => {
    const { createProgram, hoverAt, LineMap } = await import("@mlops/compiler");
    const { NodeHost } = await import("@mlops/compiler/node");
    const program = createProgram({ host: new NodeHost({ stdlibDir: join(repoRoot, "stdlib/std") }), rootFiles: [fraudPath] });
    const map = new LineMap(fraud);
    let compared = 0;
    for (const match of fraud.matchAll(/[A-Za-z_][A-Za-z0-9_]*|\d+[A-Za-z%]+/g)) {
      const offset = match.index! + 1;
      const expected = hoverAt(program, fraudPath, offset);
      const hover = await client.request<Hover | null>("textDocument/hover", {
        textDocument: { uri: fraudUri },
        position: map.position(offset),
      });
      const got = hover ? (hover.contents as { value: string }).value.replace(/\n\n\*\*no env selected\*\*.*$/s, "") : undefined;
      if (expected) {
        expect(got, `at ${match[0]} (${offset})`).toBe(expected.contents);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(100);
  });
});

describe("navigation over stdio", () => {
  it("goes to the definition of a feature set", async () => {
    const location = await client.request<Location>("textDocument/definition", {
      textDocument: { uri: fraudUri },
      position: positionOf(fraud, "features = tx", "features = t".length),
    });
    expect(location.uri).toBe(fraudUri);
    expect(location.range.start).toEqual(positionOf(fraud, "tx from transactions"));
  });
  it("finds every reference of a column", async () => {
    const locations = await client.request<Location[]>("textDocument/references", {
      textDocument: { uri: fraudUri },
      position: positionOf(fraud, "amount)"),
      context: { includeDeclaration: true },
    });
    expect(locations.map(at)).toEqual(["18:4", "28:9", "33:21", "34:27", "78:8"]);
  });
  it("highlights a column's uses in the file, its declaration as the write", async () => {
    const highlights = await client.request<DocumentHighlight[]>("textDocument/documentHighlight", {
      textDocument: { uri: fraudUri },
      position: positionOf(fraud, "amount:"),
    });
    expect(highlights.map((h) => `${at(h)}/${h.kind}`)).toEqual(["18:4/3", "28:9/2", "33:21/2", "34:27/2", "78:8/2"]);
  });
  it("finds workspace symbols by a fuzzy query", async () => {
    const symbols = await client.request<WorkspaceSymbol[]>("workspace/symbol", { query: "fraud_" });
    const inFraud = symbols.filter((s) => "range" in s.location && s.location.uri === fraudUri);
    expect(inFraud.map((s) => s.name).sort()).toEqual(["fraud_api", "fraud_clf", "fraud_detection", "fraud_drift"]);
    expect(inFraud.find((s) => s.name === "fraud_clf")!.containerName).toBe("model");
  });
});

describe("rename over stdio", () => {
  it("renames a column at its declaration and every use", async () => {
    const edit = await client.request<WorkspaceEdit>("textDocument/rename", {
      textDocument: { uri: fraudUri },
      position: positionOf(fraud, "amount)"),
      newName: "amt",
    });
    const edits = edit.changes![fraudUri]!;
    expect(edits.map((e) => `${at(e)} ${e.newText}`)).toEqual(["18:4 amt", "28:9 amt", "33:21 amt", "34:27 amt", "78:8 amt"]);
    expect(applyEdits(fraud, edits)).toContain("amount_log = log1p(amt)");
  });
  it("prepares a rename with the current name", async () => {
    const prepared = await client.request<{ placeholder: string }>("textDocument/prepareRename", {
      textDocument: { uri: fraudUri },
      position: positionOf(fraud, "fraud_clf {"),
    });
    expect(prepared.placeholder).toBe("fraud_clf");
  });
  it("refuses an invalid name", async () => {
    await expect(
      client.request("textDocument/rename", {
        textDocument: { uri: fraudUri },
        position: positionOf(fraud, "fraud_clf {"),
        newName: "2fast",
      }),
    ).rejects.toThrow(/not a valid name/);
  });
  it("refuses a name that collides", async () => {
    await expect(
      client.request("textDocument/rename", {
        textDocument: { uri: fraudUri },
        position: positionOf(fraud, "fraud_clf {"),
        newName: "release",
      }),
    ).rejects.toThrow(/gate named `release` already exists/);
    await expect(
      client.request("textDocument/rename", { textDocument: { uri: fraudUri }, position: positionOf(fraud, "amount:"), newName: "hour" }),
    ).rejects.toThrow(/already has a column `hour`/);
  });
});

describe("code actions over stdio", () => {
  for (const [name, code, title] of [
    ["unknown_field.mlops", "unknown-field", "Change to `split`"],
    ["enum_value.mlops", "enum-value", 'Change to "a"'],
    ["unit_mismatch.mlops", "unit-mismatch", /^Change to `Mi?`$/],
    ["drift_method.mlops", "drift-direction", "Use <"],
    ["missing_field.mlops", "missing-field", "Add the missing required fields of `m`"],
    ["nullable_misuse.mlops", "nullable-misuse", 'Wrap `name` in coalesce(name, "unknown")'],
    ["cyclic.mlops", "unused-declaration", "Remove unused declaration `f`"],
  ] as const) {
    it(`fixes ${code} in ${name} with "${String(title)}"`, async () => {
      const { uri, text, diagnostics } = await openInvalid(name);
      const target = diagnostics.find((d) => d.code === code)!;
      expect(target).toBeDefined();
      const actions = await actionsFor(uri, target);
      const action = actions.find((a) => (typeof title === "string" ? a.title === title : title.test(a.title)));
      expect(action, actions.map((a) => a.title).join(", ")).toBeDefined();
      const after = await applyAction(uri, text, action!);
      expect(after.diagnostics.filter((d) => d.code === code && d.range.start.line === target.range.start.line)).toEqual([]);
      expect(after.diagnostics.filter((d) => d.code === "syntax-error")).toEqual([]);
    });
  }
});

describe("inlay hints over stdio", () => {
  async function hints(): Promise<string[]> {
    const result = await client.request<InlayHint[]>("textDocument/inlayHint", {
      textDocument: { uri: fraudUri },
      range: { start: { line: 0, character: 0 }, end: { line: 90, character: 0 } },
    });
    return result.map((h) => `${at({ range: { start: h.position } })} ${h.label as string}`);
  }
  it("shows feature types, the model's input width and param values", async () => {
    const list = await hints();
    expect(list).toContain(`${at({ range: { start: positionOf(fraud, "amount_log", 10) } })} : float`);
    expect(list).toContain(`${at({ range: { start: positionOf(fraud, "category   =", 8) } })} : vector<float, 4>`);
    expect(list).toContain(`${at({ range: { start: positionOf(fraud, "features = tx", 13) } })} → vector<float, 39>`);
    expect(list).toContain(`${at({ range: { start: positionOf(fraud, "params.min_auc", 14) } })} = 85%`);
  });
  it("resolves params for the env selected in the settings", async () => {
    await client.connection.sendNotification("workspace/didChangeConfiguration", { settings: { mlops: { env: "prod" } } });
    expect(await hints()).toContain(`${at({ range: { start: positionOf(fraud, "params.min_auc", 14) } })} = 90%`);
    expect(await hints()).toContain(`${at({ range: { start: positionOf(fraud, "params.replicas", 15) } })} = 6`);
    expect(await hoverText("params.min_auc", "params.m".length)).toContain("**env `prod`**: `params.min_auc` = `90%`");
    await client.connection.sendNotification("workspace/didChangeConfiguration", { settings: { mlops: { env: "" } } });
  });
});
