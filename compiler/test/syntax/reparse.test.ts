/**
 * Parsing only a window around an edit must give exactly the full parse of the
 * new text: the same declarations (spans included), comments and syntax errors.
 */
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "../../src/syntax/parse.js";
import { reparse } from "../../src/syntax/reparse.js";
import { diffText, moveNode } from "../../src/syntax/text-change.js";

const corpus = (dir: string): string[] => {
  const folder = fileURLToPath(new URL(`../../../test/corpus/${dir}/`, import.meta.url));
  return readdirSync(folder, { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".mlops"))
    .sort()
    .map((name) => readFileSync(folder + name, "utf8"));
};
const BASE = [...corpus("valid"), ...corpus("invalid/syntax")].join("\n\n");
const SNIPPETS = [
  "",
  " ",
  "\n",
  "\n\n",
  "x",
  "}",
  "{",
  "(",
  "]",
  "/*",
  "*/",
  "//",
  "/// doc\n",
  '"',
  "${",
  "source s {\n",
  "param p: int = 1\n",
  "= 3",
  "\r\n",
];

function reparsed(oldText: string, text: string) {
  const old = parse(oldText, "/w/a.mlops");
  const change = diffText(oldText, text);
  const result = reparse({ text: oldText, ast: old.file, lineMap: old.lineMap, syntaxDiagnostics: old.diagnostics }, text, change);
  for (const node of result.moving) moveNode(node, change, new Set());
  return result.parsed;
}

function expectSameParse(oldText: string, text: string): void {
  const fresh = parse(text, "/w/a.mlops");
  const incremental = reparsed(oldText, text);
  expect(incremental.file).toEqual(fresh.file);
  expect(incremental.diagnostics).toEqual(fresh.diagnostics);
}

describe("reparse", () => {
  it("gives the full parse after random edit sequences", () => {
    const edit = fc.record({ at: fc.nat(), remove: fc.nat({ max: 12 }), insert: fc.nat({ max: SNIPPETS.length - 1 }) });
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 5 }), (edits) => {
        let text = BASE;
        for (const e of edits) {
          const at = e.at % (text.length + 1);
          const next = text.slice(0, at) + SNIPPETS[e.insert]! + text.slice(at + e.remove);
          expectSameParse(text, next);
          text = next;
        }
      }),
      { numRuns: 300, seed: 5 },
    );
  }, 300_000); // 9 s on an idle machine; a loaded CI box can take several times that

  it("reuses the declarations outside the window", () => {
    const at = BASE.indexOf("\n\n", BASE.length / 2);
    const text = `${BASE.slice(0, at)} ${BASE.slice(at)}`;
    const old = parse(BASE, "/w/a.mlops");
    const result = reparse(
      { text: BASE, ast: old.file, lineMap: old.lineMap, syntaxDiagnostics: old.diagnostics },
      text,
      diffText(BASE, text),
    );
    expect(result.newDeclarations.length).toBeLessThan(old.file.declarations.length / 2);
  });
});
