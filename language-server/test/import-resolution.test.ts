/**
 * An import that starts to resolve (its file is created on disk, or opened in
 * the editor before it is saved) re-checks its importers, and one that stops
 * resolving (deleted, or an unsaved buffer closed) brings `unknown-import`
 * back, without the importer being edited.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DidChangeWatchedFilesNotification, DidCloseTextDocumentNotification, FileChangeType } from "vscode-languageserver-protocol";
import type { Diagnostic } from "vscode-languageserver-protocol";
import { buildServer } from "./support/build-server.js";
import { LspClient } from "./support/lsp-client.js";

const main = `pipeline shop {
  owner = "shop@example.com"
}

import "./sources.mlops"

features f from orders {
  total_log = log1p(total)
}

model m {
  task     = binary_classification
  features = f
  target   = orders.returned
  trainer  = logistic_regression { epochs = 10 }
}
`;
const sources = `source orders {
  format = csv
  path   = "orders.csv"
  schema {
    total:    float
    returned: bool
  }
}
`;

let client: LspClient;
let dir: string;
let mainUri: string;
let sourcesPath: string;

const codes = (diagnostics: Diagnostic[]): string[] => diagnostics.map((d) => d.code as string);
const resolved = (p: { diagnostics: Diagnostic[] }): boolean => p.diagnostics.length === 0;
const unresolved = (p: { diagnostics: Diagnostic[] }): boolean => codes(p.diagnostics).includes("unknown-import");

async function diskChange(path: string, type: FileChangeType): Promise<void> {
  await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(path).href, type }] });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mlops-ls-imports-"));
  const mainPath = join(dir, "main.mlops");
  sourcesPath = join(dir, "sources.mlops");
  writeFileSync(mainPath, main);
  client = await LspClient.start(await buildServer(), { rootPath: dir });
  mainUri = await client.open(mainPath, main);
});
afterAll(async () => {
  await client?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("imports that start or stop resolving", () => {
  it("reports the missing file first", async () => {
    const diagnostics = await client.waitForDiagnostics(mainUri, unresolved);
    expect(codes(diagnostics)).toContain("unknown-import");
    expect(codes(diagnostics)).toContain("unknown-reference");
  });

  it("re-checks the importer when the file is created on disk (workspace/didChangeWatchedFiles)", async () => {
    writeFileSync(sourcesPath, sources);
    await diskChange(sourcesPath, FileChangeType.Created);
    expect(await client.waitForDiagnostics(mainUri, resolved)).toEqual([]);
  });

  it("brings unknown-import back when the file is deleted", async () => {
    rmSync(sourcesPath);
    await diskChange(sourcesPath, FileChangeType.Deleted);
    const diagnostics = await client.waitForDiagnostics(mainUri, unresolved);
    expect(diagnostics.find((d) => d.code === "unknown-import")?.range.start.line).toBe(4);
  });

  it("resolves the import to a buffer opened before it is saved, and not after the buffer is closed unsaved", async () => {
    const uri = await client.open(sourcesPath, sources);
    expect(await client.waitForDiagnostics(mainUri, resolved)).toEqual([]);
    const answered = await client.request<{ contents: { value: string } } | null>("textDocument/hover", {
      textDocument: { uri: mainUri },
      position: { line: 13, character: 15 },
    });
    expect(answered?.contents.value).toContain("orders");

    await client.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
    expect(codes(await client.waitForDiagnostics(mainUri, unresolved))).toContain("unknown-import");
  });

  it("stays up and quiet throughout", () => {
    expect(client.alive).toBe(true);
    expect(client.logs.filter((l) => l.includes("failed"))).toEqual([]);
  });
});
