import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DocumentSymbol, Hover, SemanticTokens, TextEdit } from "vscode-languageserver-protocol";
import { format } from "@mlops/compiler";
import { applyEdits } from "../src/util/text-diff.js";
import { buildServer, repoRoot } from "./support/build-server.js";
import { expectedDiagnostics } from "./support/expected.js";
import { positionOf, read } from "./support/fixtures.js";
import { LspClient } from "./support/lsp-client.js";

const examplesDir = join(repoRoot, "examples");
const examples = existsSync(examplesDir)
  ? readdirSync(examplesDir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .flatMap((e) =>
        readdirSync(join(examplesDir, e.name))
          .filter((f) => /^[^.].*\.mlops$/.test(f))
          .map((f) => join(examplesDir, e.name, f)),
      )
  : [];

let client: LspClient;

beforeAll(async () => {
  client = await LspClient.start(await buildServer(), { rootPath: examplesDir });
});
afterAll(async () => {
  await client?.stop();
});

describe.skipIf(examples.length === 0)("the examples over stdio", () => {
  for (const path of examples) {
    const name = path.slice(examplesDir.length + 1);
    it(`${name}: the checker's diagnostics, an outline, hover on every declaration, canonical formatting`, async () => {
      const text = read(path);
      const uri = await client.open(path, text);
      const diagnostics = await client.waitForDiagnostics(uri, (p) => p.version === 1);
      expect(diagnostics.map((d) => `${d.range.start.line}:${d.code}`)).toEqual(
        expectedDiagnostics(path, text).map((d) => `${d.range.start.line}:${d.code}`),
      );
      expect(diagnostics.filter((d) => d.severity === 1)).toEqual([]);

      const symbols = await client.request<DocumentSymbol[]>("textDocument/documentSymbol", { textDocument: { uri } });
      expect(symbols.length).toBeGreaterThan(3);
      for (const symbol of symbols.filter((s) => s.detail !== "import")) {
        const hover = await client.request<Hover | null>("textDocument/hover", {
          textDocument: { uri },
          position: symbol.selectionRange.start,
        });
        expect((hover?.contents as { value: string } | undefined)?.value ?? "", symbol.name).toContain(symbol.name);
      }

      const tokens = await client.request<SemanticTokens>("textDocument/semanticTokens/full", { textDocument: { uri } });
      expect(tokens.data.length % 5).toBe(0);
      expect(tokens.data.length).toBeGreaterThan(50);

      const edits = await client.request<TextEdit[]>("textDocument/formatting", {
        textDocument: { uri },
        options: { tabSize: 2, insertSpaces: true },
      });
      expect(applyEdits(text, edits)).toBe(format(text, path).text);
    });
  }
});

describe("cancellation", () => {
  it("answers RequestCancelled for a request cancelled before it ran", async () => {
    const path = examples[0] ?? join(repoRoot, "language-server/test/fixtures-missing.mlops");
    const text = examples[0] ? read(path) : 'pipeline p { owner = "x" }\n';
    const uri = await client.open(path, text);
    const { CancellationTokenSource } = await import("vscode-jsonrpc/node");
    const source = new CancellationTokenSource();
    // a slow request first keeps the server busy while the cancellation arrives
    const slow = client.request("mlops/render", { uri, env: null, target: "kubernetes" }).catch(() => undefined);
    const pending = client.connection.sendRequest(
      "textDocument/hover",
      { textDocument: { uri }, position: positionOf(text, "pipeline") },
      source.token,
    );
    source.cancel();
    await slow;
    await expect(pending).rejects.toMatchObject({ code: -32800 });
    // the server is still answering
    const symbols = await client.request<DocumentSymbol[]>("textDocument/documentSymbol", { textDocument: { uri } });
    expect(symbols.length).toBeGreaterThan(0);
  });
});
