import { copyFileSync, existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Diagnostic, Position, Range, TextDocumentContentChangeEvent } from "vscode-languageserver-protocol";
import { LineMap } from "@mlops/compiler";
import { buildServer, repoRoot } from "./support/build-server.js";
import { expectedDiagnostics } from "./support/expected.js";
import { copyConformance, read } from "./support/fixtures.js";
import { LspClient } from "./support/lsp-client.js";

let client: LspClient;
let ws: string;

beforeAll(async () => {
  ws = copyConformance();
  mkdirSync(join(ws, "examples"));
  client = await LspClient.start(await buildServer(), { rootPath: ws });
});
afterAll(async () => {
  await client?.stop();
});

/** A small deterministic PRNG (mulberry32) so a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = 'abcxyz_019 \n\t{}()[]=:.,"/*<>?%+-#é😀\\$';

function randomChange(text: string, next: () => number, fragments: string[]): { range: Range; text: string } {
  const map = new LineMap(text);
  const at = Math.floor(next() * (text.length + 1));
  const roll = next();
  let start = at;
  let end = at;
  let insert = "";
  if (roll < 0.4) insert = ALPHABET[Math.floor(next() * ALPHABET.length)]!;
  else if (roll < 0.7) end = Math.min(text.length, at + 1 + Math.floor(next() * 6));
  else if (roll < 0.9) {
    const source = fragments[Math.floor(next() * fragments.length)]!;
    const from = Math.floor(next() * source.length);
    insert = source.slice(from, from + 1 + Math.floor(next() * 80));
  } else {
    end = Math.min(text.length, at + Math.floor(next() * 40));
    insert = fragments[Math.floor(next() * fragments.length)]!.slice(0, Math.floor(next() * 30));
  }
  // never split a surrogate pair: the editor does not either
  if (start > 0 && isLowSurrogate(text.charCodeAt(start))) start--;
  if (end < text.length && isLowSurrogate(text.charCodeAt(end))) end++;
  return { range: { start: map.position(start), end: map.position(end) }, text: insert };
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

function applyChange(text: string, change: { range: Range; text: string }): string {
  const map = new LineMap(text);
  return text.slice(0, map.offset(change.range.start)) + change.text + text.slice(map.offset(change.range.end));
}

function normalise(diagnostics: Diagnostic[]): string[] {
  return diagnostics
    .map((d) => `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.code} ${d.message}`)
    .sort();
}

const REQUESTS = [
  "textDocument/hover",
  "textDocument/completion",
  "textDocument/documentSymbol",
  "textDocument/foldingRange",
  "textDocument/semanticTokens/full",
  "textDocument/formatting",
  "textDocument/selectionRange",
  "textDocument/definition",
  "textDocument/references",
  "textDocument/documentHighlight",
  "textDocument/codeAction",
  "textDocument/inlayHint",
  "textDocument/signatureHelp",
];

describe("random edits over stdio", () => {
  const fragments = ["valid", "invalid"].flatMap((kind) =>
    readdirSync(join("/work/shared/conformance", kind))
      .filter((f) => /^[^.].*\.mlops$/.test(f))
      .map((f) => read(join("/work/shared/conformance", kind, f))),
  );

  for (const [name, seed, edits] of [
    ["valid/fraud.mlops", 1, 1500],
    ["valid/multiclass_batch.mlops", 2, 1000],
    ["invalid/syntax_recovery.mlops", 3, 500],
    ["examples/fraud/fraud.mlops", 4, 1500],
  ] as const) {
    it(`survives ${edits} random edits of ${name} and ends with the compiler's diagnostics`, async () => {
      const next = rng(seed);
      const path = name.startsWith("examples/") ? join(ws, "examples", name.split("/").pop()!) : join(ws, name);
      if (name.startsWith("examples/")) {
        if (!existsSync(join(repoRoot, name))) return;
        copyFileSync(join(repoRoot, name), path);
      }
      let text = read(path);
      const uri = await client.open(path, text);
      let version = 1;
      for (let i = 0; i < edits; i++) {
        const changes: TextDocumentContentChangeEvent[] = [];
        const count = next() < 0.1 ? 3 : 1;
        for (let c = 0; c < count; c++) {
          const change = randomChange(text, next, fragments);
          text = applyChange(text, change);
          changes.push(change);
        }
        await client.change(uri, ++version, changes);
        if (i % 25 === 0) {
          const map = new LineMap(text);
          const position: Position = map.position(Math.floor(next() * (text.length + 1)));
          const method = REQUESTS[Math.floor(next() * REQUESTS.length)]!;
          const params = {
            textDocument: { uri },
            position,
            positions: [position],
            range: { start: position, end: position },
            context: { includeDeclaration: true, diagnostics: client.lastDiagnostics(uri)?.diagnostics ?? [] },
            options: { tabSize: 2, insertSpaces: true },
          };
          try {
            await client.request(method, params);
          } catch (error) {
            // a method the server does not offer is fine; a crash or an internal error is not
            expect((error as { code?: number }).code).toBe(-32601);
          }
        }
      }
      const finalVersion = version;
      const published = await client.waitForDiagnostics(uri, (p) => p.version === finalVersion);
      expect(client.alive).toBe(true);
      expect(client.stderr.join("")).not.toMatch(/uncaught|unhandled/);
      expect(client.logs.filter((l) => l.includes("failed"))).toEqual([]);
      expect(normalise(published)).toEqual(normalise(expectedDiagnostics(path, text)));
    });
  }
});
