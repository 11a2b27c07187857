/**
 * Expressions as long as the parser allows (999 operators in a row) crashed the typer with
 * "Maximum call stack size exceeded" in `mlops check`, and the language server published
 * nothing. Both must now report the same diagnostics, and every editor feature must answer.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Diagnostic, Hover, SemanticTokens, TextEdit } from "vscode-languageserver-protocol";
import { format } from "@mlops/compiler";
import { applyEdits } from "../src/util/text-diff.js";
import { buildServer, repoRoot } from "./support/build-server.js";
import { positionOf } from "./support/fixtures.js";
import { LspClient } from "./support/lsp-client.js";
import { CHAIN_TERMS, deepProgram } from "../../test/support/deep-program.js";

let client: LspClient;
const dir = mkdtempSync(join(tmpdir(), "mlops-deep-"));
const path = join(dir, "fraud.mlops");
const text = deepProgram(true);

beforeAll(async () => {
  writeFileSync(path, text);
  client = await LspClient.start(await buildServer(), { rootPath: dir });
});
afterAll(async () => {
  await client?.stop();
});

describe("operator chains at the parser's limit", () => {
  it("mlops check and the language server report the same diagnostics", async () => {
    const cli = spawnSync(process.execPath, [join(repoRoot, "compiler/bin/mlops.js"), "check", "--format", "json", path], {
      encoding: "utf8",
    });
    expect(cli.stderr).toBe("");
    expect(cli.status).toBe(1);
    const fromCli = (JSON.parse(cli.stdout) as { diagnostics: Array<{ code: string; range: Diagnostic["range"] }> }).diagnostics;
    const lines = (list: Array<{ code?: unknown; range: Diagnostic["range"] }>) =>
      list.map((d) => `${d.range.start.line}:${d.range.start.character}:${String(d.code)}`).sort();
    expect(lines(fromCli)).toEqual(["104:7:type-mismatch", "52:9002:type-mismatch"]);

    const uri = await client.open(path, text);
    const published = await client.waitForDiagnostics(uri, (p) => p.version === 1, 60_000);
    expect(lines(published)).toEqual(lines(fromCli));
  });

  it("every editor feature answers", async () => {
    const uri = await client.open(path, text);
    const at = positionOf(text, "sum = amount");
    const hover = await client.request<Hover | null>("textDocument/hover", { textDocument: { uri }, position: at });
    expect(JSON.stringify(hover?.contents)).toContain("sum");
    const tokens = await client.request<SemanticTokens>("textDocument/semanticTokens/full", { textDocument: { uri } });
    expect(tokens.data.length).toBeGreaterThan(5 * CHAIN_TERMS);
    const edits = await client.request<TextEdit[]>("textDocument/formatting", {
      textDocument: { uri },
      options: { tabSize: 2, insertSpaces: true },
    });
    expect(applyEdits(text, edits)).toBe(format(text, path).text);
    const end = { line: at.line, character: at.character + 20 };
    for (const method of [
      "textDocument/completion",
      "textDocument/definition",
      "textDocument/references",
      "textDocument/documentHighlight",
    ]) {
      await expect(
        client.request(method, { textDocument: { uri }, position: end, context: { includeDeclaration: true } }),
        method,
      ).resolves.toBeDefined();
    }
    for (const method of ["textDocument/documentSymbol", "textDocument/foldingRange"]) {
      await expect(client.request(method, { textDocument: { uri } }), method).resolves.toBeDefined();
    }
    const range = { start: { line: 0, character: 0 }, end: { line: text.split("\n").length, character: 0 } };
    await expect(client.request("textDocument/inlayHint", { textDocument: { uri }, range })).resolves.toBeDefined();
    expect(client.alive).toBe(true);
  });
});
