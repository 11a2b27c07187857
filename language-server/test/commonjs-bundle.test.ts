import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CompletionList } from "vscode-languageserver-protocol";
import { buildServer } from "./support/build-server.js";
import { copyConformance, positionOf, read } from "./support/fixtures.js";
import { LspClient } from "./support/lsp-client.js";

let client: LspClient;
let ws: string;

beforeAll(async () => {
  ws = copyConformance();
  client = await LspClient.start(await buildServer("cjs"), { rootPath: ws, initializationOptions: { env: "prod" } });
});
afterAll(async () => {
  await client?.stop();
});

describe("the server bundled as CommonJS, as the VS Code extension ships it", () => {
  it("checks in its worker thread, resolves the stdlib beside the bundle and answers requests", async () => {
    const path = join(ws, "invalid/unknown_import.mlops");
    const text = read(path);
    const uri = await client.open(path, text);
    const diagnostics = await client.waitForDiagnostics(uri, (p) => p.version === 1);
    expect(diagnostics.map((d) => d.code).sort()).toEqual(["unknown-import", "unknown-import", "unused-declaration"]);
    // the stdlib modules were found next to the bundle: the hint lists them
    const messages = diagnostics.map((d) => String(d.message));
    expect(messages.find((m) => m.includes("std.nonexistent_module"))).toContain("std.gates");
    const list = await client.request<CompletionList>("textDocument/completion", {
      textDocument: { uri },
      position: positionOf(text, "import std.nonexistent_module", "import std.".length),
    });
    expect(list.items.map((i) => i.label)).toEqual(["gates", "monitors", "targets"]);
    expect(client.logs.filter((l) => l.includes("worker"))).toEqual([]);
  });
});
