/**
 * Quick fixes for missing fields over stdio: what they insert type-checks
 * (a non-null target that fits the task, never `target = `), and a client that
 * takes snippet edits gets tab stops, empty where no value type-checks.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CodeAction, Diagnostic, TextDocumentEdit, TextEdit } from "vscode-languageserver-protocol";
import { applyEdits } from "../src/util/text-diff.js";
import { buildServer, repoRoot } from "./support/build-server.js";
import { LspClient } from "./support/lsp-client.js";

const modelTarget = readFileSync(join(repoRoot, "test/corpus/invalid/missing_field/model_target.mlops"), "utf8");
const header = modelTarget.slice(0, modelTarget.indexOf("model m"));
const noModels = `${header.replace(/\n$/, "")}\n\ngate g {\n  require auc >= 80%\n}\n`;

let plain: LspClient;
let snippets: LspClient;
let dir: string;
let server: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mlops-ls-fields-"));
  server = await buildServer();
  plain = await LspClient.start(server, { rootPath: dir });
  snippets = await LspClient.start(server, { rootPath: dir, snippetEdits: true });
});
afterAll(async () => {
  await plain?.stop();
  await snippets?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function open(client: LspClient, name: string, text: string): Promise<{ uri: string; diagnostics: Diagnostic[] }> {
  const uri = await client.open(join(dir, name), text);
  return { uri, diagnostics: await client.waitForDiagnostics(uri, (p) => p.version === 1) };
}

async function actionsFor(client: LspClient, uri: string, diagnostic: Diagnostic): Promise<CodeAction[]> {
  return client.request<CodeAction[]>("textDocument/codeAction", {
    textDocument: { uri },
    range: diagnostic.range,
    context: { diagnostics: [diagnostic] },
  });
}

function insertedTexts(action: CodeAction): string[] {
  return Object.values(action.edit?.changes ?? {}).flatMap((edits) => edits.map((e) => e.newText));
}

describe("missing-field quick fixes", () => {
  it("add a target that type-checks: not the input column, not a nullable one; nothing ends in `= `", async () => {
    const { uri, diagnostics } = await open(plain, "target.mlops", modelTarget);
    const missing = diagnostics.find((d) => d.code === "missing-field")!;
    expect(missing.message).toContain("`target`");
    const actions = await actionsFor(plain, uri, missing);
    for (const action of actions) for (const text of insertedTexts(action)) expect(text, action.title).not.toMatch(/=\s*$/m);
    const preferred = actions.filter((a) => a.isPreferred);
    expect(preferred.map((a) => a.title)).toEqual(["Add the missing required fields of `m`"]);
    expect(insertedTexts(preferred[0]!)).toEqual(["  target   = s.y\n"]);

    const fixed = applyEdits(modelTarget, preferred[0]!.edit!.changes![uri]!);
    await plain.change(uri, 2, [{ text: fixed }]);
    const after = await plain.waitForDiagnostics(uri, (p) => p.version === 2);
    expect(after.filter((d) => d.severity === 1)).toEqual([]);
  });

  it("give a snippet with the checked value as a tab stop when the client takes snippet edits", async () => {
    const { uri, diagnostics } = await open(snippets, "target-snippet.mlops", modelTarget);
    const missing = diagnostics.find((d) => d.code === "missing-field")!;
    const preferred = (await actionsFor(snippets, uri, missing)).find((a) => a.isPreferred)!;
    const change = preferred.edit?.documentChanges?.[0] as TextDocumentEdit;
    expect(change.textDocument.uri).toBe(uri);
    const line = modelTarget.split("\n").indexOf(
      "}",
      modelTarget.split("\n").findIndex((l) => l.startsWith("model m")),
    );
    expect(change.edits).toEqual([
      {
        range: { start: { line, character: 0 }, end: { line, character: 0 } },
        snippet: { kind: "snippet", value: "  target   = ${1:s.y}\n" },
      },
    ]);
  });

  it("leave a field no value checks for to the user: an empty tab stop, or no plain fix", async () => {
    const forPlain = await open(plain, "gate.mlops", noModels);
    const missingPlain = forPlain.diagnostics.find((d) => d.code === "missing-field")!;
    const plainActions = await actionsFor(plain, forPlain.uri, missingPlain);
    expect(plainActions.filter((a) => a.isPreferred)).toEqual([]);
    for (const action of plainActions) for (const text of insertedTexts(action)) expect(text).not.toMatch(/=\s*$/m);

    const forSnippets = await open(snippets, "gate-snippet.mlops", noModels);
    const missing = forSnippets.diagnostics.find((d) => d.code === "missing-field")!;
    const preferred = (await actionsFor(snippets, forSnippets.uri, missing)).find((a) => a.isPreferred)!;
    expect(preferred.title).toBe("Add the missing required fields of `g`");
    const change = preferred.edit!.documentChanges![0] as TextDocumentEdit;
    const edits = change.edits as unknown as Array<TextEdit & { snippet?: { value: string } }>;
    expect(edits.map((e) => e.snippet?.value)).toEqual(["  model = ${1}\n"]);
  });

  it("stay up and quiet throughout", () => {
    expect(plain.alive && snippets.alive).toBe(true);
    expect([...plain.logs, ...snippets.logs].filter((l) => l.includes("failed"))).toEqual([]);
  });
});
