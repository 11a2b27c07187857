import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { format } from "../../src/format/format.js";
import { parse } from "../../src/syntax/parse.js";
import { Layout } from "../../src/format/layout.js";
import { sameTree } from "../../src/format/same-tree.js";
import { CONFORMANCE, mlopsFiles } from "./support.js";

const fixtures = new URL("../", import.meta.url).pathname;
const corpus = [
  ...mlopsFiles(CONFORMANCE),
  `${fixtures}format/fixtures/comments.input.mlops`,
  `${fixtures}syntax/fixtures/constructs.mlops`,
].map((path) => readFileSync(path, "utf8"));
const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
/** Fixed unless FUZZ_SEED says otherwise, so a failure in CI reproduces with the same seed. */
const SEED = Number(process.env.FUZZ_SEED ?? 20261205);

/** Splits into tokens roughly as the lexer does, whitespace kept, so mutations hit real tokens. */
function pieces(text: string): string[] {
  return text.match(/\s+|[A-Za-z_]\w*|\d+(?:\.\d+)?[A-Za-z%]*|"(?:[^"\\\n]|\\.)*"?|\/\/[^\n]*|[=!<>]=|=>|./g) ?? [];
}

type Mutation = { op: "delete" | "duplicate" | "swap" | "insert"; at: number; other: number; insert: string };

function mutate(text: string, mutations: Mutation[]): string {
  const tokens = pieces(text);
  for (const m of mutations) {
    if (tokens.length === 0) break;
    const i = m.at % tokens.length;
    const j = m.other % tokens.length;
    if (m.op === "delete") tokens.splice(i, 1);
    else if (m.op === "duplicate") tokens.splice(i, 0, tokens[i]!);
    else if (m.op === "insert") tokens.splice(i, 0, m.insert);
    else [tokens[i], tokens[j]] = [tokens[j]!, tokens[i]!];
  }
  return tokens.join("");
}

/** Parsing and formatting finish without throwing, and the parser reports no internal failure. */
function survives(text: string): void {
  const result = parse(text, "fuzz.mlops");
  expect(result.diagnostics.filter((d) => d.message.startsWith("the parser failed"))).toEqual([]);
  for (const d of result.diagnostics) expect(d.range.start.line).toBeGreaterThanOrEqual(0);
  const formatted = format(text, "fuzz.mlops");
  if (result.diagnostics.length > 0) {
    expect(formatted).toMatchObject({ text, changed: false });
    return;
  }
  // Valid input: the layout itself (not format's safety net) must keep meaning and comments, and be stable.
  const once = new Layout(result.file).print();
  const reparsed = parse(once, "fuzz.mlops");
  expect(reparsed.diagnostics, once).toEqual([]);
  expect(sameTree(result.file, reparsed.file), `${text}\n----\n${once}`).toBe(true);
  expect(new Layout(reparsed.file).print()).toBe(once);
  expect(formatted.text).toBe(once);
}

const mutation = fc.record({
  op: fc.constantFrom("delete" as const, "duplicate" as const, "swap" as const, "insert" as const),
  at: fc.nat(),
  other: fc.nat(),
  insert: fc.constantFrom("{", "}", "(", ")", "[", "]", ",", "\n", "=", "=>", ":", '"', "${", "///", "/*", "-", "not", "*", "?", "@"),
});

describe("fuzz: the parser never throws or hangs", () => {
  it("random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => survives(String.fromCharCode(...bytes))),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it("random text over the language's characters", () => {
    const alphabet = fc.constantFrom(
      ...'{}()[],:=<>+-*/.?"$\\ \n\tabcxyz019%_/'.split(""),
      "source",
      "drift",
      "when",
      "=>",
      "${",
      "//",
      "/*",
      "*/",
      "😀",
    );
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 300 }), (parts) => survives(parts.join(""))),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it("real files with deleted, duplicated, swapped and inserted tokens", () => {
    fc.assert(
      fc.property(fc.nat({ max: corpus.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 8 }), (index, mutations) =>
        survives(mutate(corpus[index]!, mutations)),
      ),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it("very long lines and deep nesting", () => {
    const shapes = fc.constantFrom("(", "[", "{ a = ", "f(", "-", "not ", '"${', "x + ", "a.");
    fc.assert(
      fc.property(shapes, fc.integer({ min: 1, max: 6000 }), fc.boolean(), (open, depth, closed) => {
        const closers: Record<string, string> = { "(": ")", "[": "]", "{ a = ": "}", "f(": ")", '"${': '}"' };
        const close = closers[open] ?? "";
        const body = `${open.repeat(depth)}1${closed ? close.repeat(depth) : ""}`;
        survives(`features f from s {\n  x = ${body}\n  y = 2\n}\n`);
      }),
      { numRuns: 60, seed: SEED },
    );
  });
});
