import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkspaceSymbol } from "vscode-languageserver-protocol";
import { buildServer } from "./support/build-server.js";
import { LspClient } from "./support/lsp-client.js";

let client: LspClient;
let root: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "mlops-ls-folders-"));
  mkdirSync(join(root, "a"));
  mkdirSync(join(root, "b"));
  writeFileSync(join(root, "a", "one.mlops"), 'pipeline one {\n  owner = "a@example.com"\n}\n');
  writeFileSync(join(root, "b", "two.mlops"), 'pipeline two {\n  owner = "b@example.com"\n}\n');
  client = await LspClient.start(await buildServer(), { rootPath: join(root, "a"), workspaceFolders: true });
});
afterAll(async () => {
  await client?.stop();
});

describe("workspace folders", () => {
  it("knows the files of a folder added after start", async () => {
    const names = async (): Promise<string[]> =>
      (await client.request<WorkspaceSymbol[]>("workspace/symbol", { query: "" })).map((s) => s.name).sort();
    expect(await names()).toEqual(["one"]);
    await client.connection.sendNotification("workspace/didChangeWorkspaceFolders", {
      event: { added: [{ uri: pathToFileURL(join(root, "b")).href, name: "b" }], removed: [] },
    });
    expect(await names()).toEqual(["one", "two"]);
  });
});
