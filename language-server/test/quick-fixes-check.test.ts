/**
 * Every quick fix the server offers over the invalid corpus writes text that
 * type-checks: applied, it makes no syntax error and no new error on the lines
 * it writes (as a fresh compilation of the fixed text says). Covers the
 * compiler's fixes (did-you-mean, per-field values) and the editor's own
 * (add missing fields, wrap in `coalesce`, remove an unused declaration).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CodeAction, Diagnostic, TextEdit } from "vscode-languageserver-protocol";
import { applyEdits } from "../src/util/text-diff.js";
import { buildServer, repoRoot } from "./support/build-server.js";
import { expectedDiagnostics } from "./support/expected.js";
import { LspClient } from "./support/lsp-client.js";

const corpus = join(repoRoot, "test/corpus/invalid");

function corpusFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? corpusFiles(path) : name.endsWith(".mlops") ? [path] : [];
    });
}

let client: LspClient;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mlops-ls-quick-fixes-"));
  client = await LspClient.start(await buildServer(), { rootPath: dir });
});
afterAll(async () => {
  await client?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const key = (d: Diagnostic): string => `${d.code}\u0000${d.message}`;

/** The lines an edit list writes, in the text after it is applied (edits sorted, non-overlapping). */
function writtenLines(edits: readonly TextEdit[]): Array<[number, number]> {
  const sorted = [...edits].sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  let shift = 0;
  return sorted.map((e) => {
    const first = e.range.start.line + shift;
    const added = e.newText.split("\n").length - 1;
    shift += added - (e.range.end.line - e.range.start.line);
    return [first, first + added];
  });
}

describe("quick fixes over the invalid corpus", () => {
  it("make no syntax error and no new error where they write", async () => {
    const problems: string[] = [];
    let applied = 0;
    for (const source of corpusFiles(corpus)) {
      const name = relative(corpus, source).replaceAll("/", "__");
      const path = join(dir, name);
      const text = readFileSync(source, "utf8");
      writeFileSync(path, text);
      const uri = await client.open(path, text);
      const diagnostics = await client.waitForDiagnostics(uri, (p) => p.version === 1);
      const expected = expectedDiagnostics(path, text);
      const before = new Set(expected.map(key));
      const syntaxBefore = expected.filter((d) => d.code === "syntax-error").length;
      for (const diagnostic of diagnostics) {
        const actions = await client.request<CodeAction[]>("textDocument/codeAction", {
          textDocument: { uri },
          range: diagnostic.range,
          context: { diagnostics: [diagnostic] },
        });
        for (const action of actions) {
          const edits = action.edit?.changes?.[uri];
          if (!edits || Object.keys(action.edit?.changes ?? {}).length !== 1) continue;
          const after = applyEdits(text, edits);
          const lines = writtenLines(edits);
          const fixed = expectedDiagnostics(path, after);
          const syntax = fixed.filter((d) => d.code === "syntax-error");
          const bad = [
            ...(syntax.length > syntaxBefore ? syntax : syntax.filter((d) => !before.has(key(d)))),
            ...fixed.filter(
              (d) =>
                d.code !== "syntax-error" &&
                d.severity === 1 &&
                !before.has(key(d)) &&
                lines.some(([first, last]) => d.range.start.line >= first && d.range.start.line <= last),
            ),
          ];
          if (bad.length > 0)
            problems.push(`${name}: "${action.title}" → ${bad.map((d) => `${d.range.start.line}: ${d.message}`).join("; ")}`);
          applied++;
        }
      }
    }
    expect(problems).toEqual([]);
    expect(applied).toBeGreaterThan(50);
  }, 600_000);

  it("make a nullable model input non-null where the feature is defined, not with coalesce around the feature set's name", async () => {
    const source = join(corpus, "nullable/model_input.mlops");
    const text = readFileSync(source, "utf8");
    const path = join(dir, "model_input_fix.mlops");
    writeFileSync(path, text);
    const uri = await client.open(path, text);
    const diagnostic = (await client.waitForDiagnostics(uri, (p) => p.version === 1)).find((d) => d.code === "nullable-misuse")!;
    const actions = await client.request<CodeAction[]>("textDocument/codeAction", {
      textDocument: { uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic] },
    });
    expect(actions.map((a) => a.title)).toEqual(["Make `raw_w` non-null: raw_w = coalesce(w, 0)"]);
    const fixed = applyEdits(text, actions[0]!.edit!.changes![uri]!);
    expect(fixed).toContain("  raw_w = coalesce(w, 0)\n");
    expect(expectedDiagnostics(path, fixed).filter((d) => d.severity === 1)).toEqual([]);
  });

  it("stays up and quiet throughout", () => {
    expect(client.alive).toBe(true);
    expect(client.logs.filter((l) => l.includes("failed"))).toEqual([]);
  });
});
