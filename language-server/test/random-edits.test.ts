import { copyFileSync, existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Diagnostic, Position, Range, TextDocumentContentChangeEvent } from "vscode-languageserver-protocol";
import { LineMap } from "@mlops/compiler";
import { buildServer, repoRoot } from "./support/build-server.js";
import { expectedDiagnostics } from "./support/expected.js";
import { CONFORMANCE, copyConformance, read } from "./support/fixtures.js";
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

/** The name of a declaration (its keyword and spaces in a lookbehind, so the match is the name alone). */
const DECLARED_NAME = /(?<=\b(?:source|features|model|gate|deploy|monitor|param|env)[ \t]+)[A-Za-z_][A-Za-z_0-9]*/g;

const ALPHABET = 'abcxyz_019 \n\t{}()[]=:.,"/*<>?%+-#é😀\\$';

function randomChange(text: string, next: () => number, fragments: string[]): { range: Range; text: string } {
  const map = new LineMap(text);
  const at = Math.floor(next() * (text.length + 1));
  const roll = next();
  let start = at;
  let end = at;
  let insert = "";
  if (roll < 0.15) {
    // a typo in a name, often a declared one: what turns references into did-you-mean errors and back
    const declared = next() < 0.5;
    const words = [...text.matchAll(declared ? DECLARED_NAME : /[A-Za-z_][A-Za-z_0-9]{2,}/g)];
    const word = words[Math.floor(next() * words.length)];
    if (word) {
      start = word.index + Math.floor(next() * word[0].length);
      end = start + (next() < 0.5 ? 1 : 0);
      insert = next() < 0.7 ? "abcxyz_"[Math.floor(next() * 7)]! : "";
    }
  } else if (roll < 0.45) insert = ALPHABET[Math.floor(next() * ALPHABET.length)]!;
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

/** What a user sees of a diagnostic: where, which, the message, its hints and its quick fixes (with their edits). */
function normalise(diagnostics: Diagnostic[]): string[] {
  return diagnostics
    .map((d) => {
      const data = (d.data ?? {}) as { fixes?: unknown; hints?: unknown };
      const where = `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`;
      return `${where} ${d.code} ${d.message} hints=${JSON.stringify(data.hints ?? [])} fixes=${JSON.stringify(data.fixes ?? [])}`;
    })
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
    readdirSync(join(CONFORMANCE, kind))
      .filter((f) => /^[^.].*\.mlops$/.test(f))
      .map((f) => read(join(CONFORMANCE, kind, f))),
  );

  for (const [name, seed, edits] of [
    ["valid/fraud.mlops", 1, 1500],
    ["valid/multiclass_batch.mlops", 2, 1000],
    ["invalid/syntax_recovery.mlops", 3, 500],
    ["examples/fraud/fraud.mlops", 4, 1500],
  ] as const) {
    it(`survives ${edits} random edits of ${name} with the compiler's diagnostics, hints and fixes along the way`, async () => {
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
        if (i % 50 === 49) {
          // mid-sequence too: a stale hint or fix that a later edit happens to hide is still a bug
          const current = version;
          const published = await client.waitForDiagnostics(uri, (p) => p.version === current);
          expect(normalise(published), `after edit ${i + 1}`).toEqual(normalise(expectedDiagnostics(path, text)));
        }
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
    }, 300_000); // a bound for a loaded machine, not a speed check
  }
});
