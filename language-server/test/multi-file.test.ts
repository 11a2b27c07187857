import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Location, WorkspaceEdit } from "vscode-languageserver-protocol";
import { buildServer } from "./support/build-server.js";
import { positionOf } from "./support/fixtures.js";
import { LspClient } from "./support/lsp-client.js";

const main = `pipeline shop {
  owner = "shop@example.com"
}

import "./data/sources.mlops"

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
const sources = `/// Orders placed on the shop.
source orders {
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
let mainPath: string;
let sourcesPath: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mlops-ls-multi-"));
  mainPath = join(dir, "main.mlops");
  sourcesPath = join(dir, "data", "sources.mlops");
  writeFileSync(mainPath, main);
  const { mkdirSync } = await import("node:fs");
  mkdirSync(join(dir, "data"));
  writeFileSync(sourcesPath, sources);
  client = await LspClient.start(await buildServer(), { rootPath: dir });
});
afterAll(async () => {
  await client?.stop();
});

describe("a compilation over several files", () => {
  it("checks an imported file as part of the file with the pipeline that imports it", async () => {
    const uri = await client.open(sourcesPath, sources);
    // alone it would have no pipeline and an unused source; in its compilation it has neither
    expect(await client.waitForDiagnostics(uri, (p) => p.version === 1)).toEqual([]);
  });

  it("links imports to their files", async () => {
    const uri = await client.open(mainPath, main);
    const links = await client.request<Array<{ target: string; range: { start: { line: number } } }>>("textDocument/documentLink", {
      textDocument: { uri },
    });
    expect(links.map((l) => [l.range.start.line, l.target])).toEqual([[positionOf(main, "import").line, pathToFileURL(sourcesPath).href]]);
  });

  it("goes to a definition in the imported file", async () => {
    const uri = await client.open(mainPath, main);
    const location = await client.request<Location>("textDocument/definition", {
      textDocument: { uri },
      position: positionOf(main, "orders.returned", 2),
    });
    expect(location.uri).toBe(pathToFileURL(sourcesPath).href);
    expect(location.range.start).toEqual(positionOf(sources, "orders {"));
  });

  it("renames a column in every file of the compilation", async () => {
    const uri = pathToFileURL(sourcesPath).href;
    const edit = await client.request<WorkspaceEdit>("textDocument/rename", {
      textDocument: { uri },
      position: positionOf(sources, "total:"),
      newName: "amount",
    });
    expect(Object.keys(edit.changes!).sort()).toEqual([pathToFileURL(mainPath).href, uri].sort());
    expect(edit.changes![pathToFileURL(mainPath).href]!.map((e) => e.range.start)).toEqual([positionOf(main, "total)")]);
  });

  it("republishes the importing file's diagnostics when the imported file changes", async () => {
    const sourcesUri = pathToFileURL(sourcesPath).href;
    const mainUri = pathToFileURL(mainPath).href;
    await client.change(sourcesUri, 2, [
      { range: { start: positionOf(sources, "total:"), end: positionOf(sources, "total:", 5) }, text: "amount" },
    ]);
    const diagnostics = await client.waitForDiagnostics(mainUri, (p) => p.diagnostics.some((d) => d.code === "unknown-reference"));
    expect(diagnostics.map((d) => `${d.range.start.line}:${d.code}`)).toEqual([`${positionOf(main, "total)").line}:unknown-reference`]);
  });

  it("follows the file on disk once its buffer is closed, and changes on disk", async () => {
    const sourcesUri = pathToFileURL(sourcesPath).href;
    const mainUri = pathToFileURL(mainPath).href;
    await client.connection.sendNotification("textDocument/didClose", { textDocument: { uri: sourcesUri } });
    // the buffer's rename is gone: the disk still says `total`
    await client.waitForDiagnostics(mainUri, (p) => p.diagnostics.length === 0);
    writeFileSync(sourcesPath, sources.replace("total:", "amount:"));
    await client.connection.sendNotification("workspace/didChangeWatchedFiles", { changes: [{ uri: sourcesUri, type: 2 }] });
    const diagnostics = await client.waitForDiagnostics(mainUri, (p) => p.diagnostics.some((d) => d.code === "unknown-reference"));
    expect(diagnostics.map((d) => d.code)).toEqual(["unknown-reference"]);
  });
});
