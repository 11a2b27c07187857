import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DocumentSymbol, FoldingRange, SelectionRange, SemanticTokens, SemanticTokensLegend } from "vscode-languageserver-protocol";
import { buildServer } from "./support/build-server.js";
import { copyConformance, positionOf, read } from "./support/fixtures.js";
import { LspClient } from "./support/lsp-client.js";

let client: LspClient;
let ws: string;
let fraudPath: string;
let fraudUri: string;
let fraud: string;

beforeAll(async () => {
  const server = await buildServer();
  ws = copyConformance();
  client = await LspClient.start(server, { rootPath: ws });
  fraudPath = join(ws, "valid/fraud.mlops");
  fraud = read(fraudPath);
  fraudUri = await client.open(fraudPath);
});

afterAll(async () => {
  await client?.stop();
});

describe("syntax features over stdio", () => {
  it("announces its capabilities", () => {
    const caps = client.initializeResult!.capabilities;
    expect(caps.textDocumentSync).toMatchObject({ openClose: true, change: 2 });
    expect(caps.documentSymbolProvider).toBeTruthy();
    expect(caps.semanticTokensProvider?.legend.tokenTypes).toContain("unit");
  });

  it("outlines every declaration with its members", async () => {
    const symbols = await client.request<DocumentSymbol[]>("textDocument/documentSymbol", { textDocument: { uri: fraudUri } });
    expect(symbols.map((s) => `${s.detail} ${s.name}`)).toEqual([
      "pipeline fraud_detection",
      "param: int replicas",
      "param: ratio min_auc",
      "env staging",
      "env prod",
      "source transactions",
      "features from transactions tx",
      "model fraud_clf",
      "gate release",
      "deploy fraud_api",
      "monitor fraud_drift",
    ]);
    const tx = symbols.find((s) => s.name === "tx")!;
    expect(tx.children!.map((c) => c.name)).toEqual(["amount_log", "amount_z", "is_night", "category", "country_b"]);
    const source = symbols.find((s) => s.name === "transactions")!;
    const schema = source.children!.find((c) => c.name === "schema")!;
    expect(schema.children!.map((c) => `${c.name}: ${c.detail}`)).toContain(
      'merchant_category: enum("grocery", "travel", "online", "fuel")',
    );
    expect(schema.children!.map((c) => `${c.name}: ${c.detail}`)).toContain("country: string?");
    expect(source.selectionRange.start).toEqual(positionOf(fraud, "transactions {"));
  });

  it("folds block bodies, nested blocks and multi-line records", async () => {
    const ranges = await client.request<FoldingRange[]>("textDocument/foldingRange", { textDocument: { uri: fraudUri } });
    const lines = ranges.map((r) => `${r.startLine}-${r.endLine}`);
    const line = (needle: string): number => positionOf(fraud, needle).line;
    expect(lines).toContain(`${line("pipeline fraud_detection")}-${line("tags        =")}`);
    expect(lines).toContain(`${line("  schema {")}-${line("is_fraud:")}`);
    expect(lines).toContain(`${line("  expect {")}-${line("mean(amount)")}`);
    expect(lines).toContain(`${line("target   = kubernetes {")}-${line("autoscale =")}`);
  });

  it("expands selections from a name to its expression, field, block and file", async () => {
    const at = positionOf(fraud, "merchant_category)", 3);
    const [selection] = await client.request<SelectionRange[]>("textDocument/selectionRange", {
      textDocument: { uri: fraudUri },
      positions: [at],
    });
    const texts: string[] = [];
    for (let s: SelectionRange | undefined = selection; s; s = s.parent) texts.push(slice(fraud, s));
    expect(texts[0]).toBe("merchant_category");
    expect(texts).toContain("one_hot(merchant_category)");
    expect(texts).toContain("category   = one_hot(merchant_category)");
    expect(texts.at(-1)).toBe(fraud);
    expect(texts.some((t) => t.startsWith("features tx from transactions {") && t.endsWith("}"))).toBe(true);
  });

  it("colours declarations, columns, features, params and units", async () => {
    const tokens = await client.request<SemanticTokens>("textDocument/semanticTokens/full", { textDocument: { uri: fraudUri } });
    const legend = client.initializeResult!.capabilities.semanticTokensProvider!.legend as SemanticTokensLegend;
    const decoded = decode(fraud, tokens.data, legend);
    const at = (needle: string, delta = 0, occurrence = 1): string | undefined => {
      const p = positionOf(fraud, needle, delta, occurrence);
      return decoded.find((t) => t.line === p.line && t.start === p.character)?.type;
    };
    expect(at("fraud_clf {", 0)).toBe("class declaration");
    expect(at("amount)", 0)).toBe("property"); // column of the bound source inside `features`
    expect(at("Mi", 0)).toBe("unit");
    expect(at("512Mi")).toBe("number");
    expect(at("min_auc\n", 0)).toBe("parameter readonly"); // params.min_auc
    expect(at("source transactions")).toBe("keyword");
    expect(at("tx\n", 0)).toBe("namespace"); // features = tx
  });

  it("checks an unsaved buffer (an untitled: URI) too", async () => {
    const uri = "untitled:Untitled-1";
    await client.connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri, languageId: "mlops", version: 1, text: "source s {\n  format = csv\n}\n" },
    });
    const diagnostics = await client.waitForDiagnostics(uri, (p) => p.version === 1);
    expect(diagnostics.map((d) => d.code).sort()).toEqual(["missing-field", "missing-field", "missing-pipeline", "unused-declaration"]);
    const symbols = await client.request<DocumentSymbol[]>("textDocument/documentSymbol", { textDocument: { uri } });
    expect(symbols.map((s) => s.name)).toEqual(["s"]);
  });
});

function slice(text: string, s: SelectionRange): string {
  const offset = (p: { line: number; character: number }): number => {
    const lines = text.split("\n");
    return lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  };
  return text.slice(offset(s.range.start), offset(s.range.end));
}

function decode(
  text: string,
  data: number[],
  legend: SemanticTokensLegend,
): Array<{ line: number; start: number; text: string; type: string }> {
  const lines = text.split("\n");
  const out: Array<{ line: number; start: number; text: string; type: string }> = [];
  let line = 0;
  let start = 0;
  for (let i = 0; i < data.length; i += 5) {
    line += data[i]!;
    start = data[i]! === 0 ? start + data[i + 1]! : data[i + 1]!;
    const mods = legend.tokenModifiers.filter((_, bit) => (data[i + 4]! >> bit) & 1);
    out.push({
      line,
      start,
      text: lines[line]!.slice(start, start + data[i + 2]!),
      type: [legend.tokenTypes[data[i + 3]!], ...mods].join(" "),
    });
  }
  return out;
}
