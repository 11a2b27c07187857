/**
 * Fuzz: 20 000 mutated programs (made from the corpus) through the whole checker,
 * the semantic model (every 4th) and the editor queries (every 10th). Every run must end with diagnostics
 * (or none), never a throw; a hang would time the test out.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MemoryHost, completionsAt, createProgram, hoverAt, type Diagnostic } from "@mlops/compiler";

const corpusDir = fileURLToPath(new URL("../corpus", import.meta.url));
function files(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? files(p) : n.endsWith(".mlops") ? [p] : [];
    });
}
const seeds = files(corpusDir).map((f) => readFileSync(f, "utf8"));
const stdlibDir = fileURLToPath(new URL("../../stdlib/std", import.meta.url));
const stdlib = Object.fromEntries(["gates", "monitors", "targets"].map((m) => [m, readFileSync(join(stdlibDir, `${m}.mlops`), "utf8")]));

const TOKENS = [
  "{",
  "}",
  "(",
  ")",
  "[",
  "]",
  ",",
  "=",
  "==",
  "<",
  ">=",
  "=>",
  ":",
  ".",
  "\n",
  '"',
  "${",
  "//",
  "/*",
  "%",
  "?",
  "model",
  "features",
  "source",
  "gate",
  "deploy",
  "monitor",
  "notifier",
  "template",
  "extends",
  "from",
  "import",
  "param",
  "env",
  "pipeline",
  "require",
  "drift",
  "when",
  "schema",
  "expect",
  "params.",
  "champion.",
  'secret("a", "b")',
  'cron("* * * * *")',
  "every(0s)",
  "10m",
  "512Mi",
  "70%",
  "-1",
  "1e309",
  "0x",
  "NaN",
  'enum("a")',
  "one_hot(",
  "if(",
  "coalesce(",
  "impute(",
  "training",
  "prediction",
  "*",
];

type Mutation =
  | { kind: "delete"; at: number; length: number }
  | { kind: "insert"; at: number; token: number }
  | { kind: "swap"; a: number; b: number }
  | { kind: "duplicate"; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), token: fc.nat({ max: TOKENS.length - 1 }) }),
  fc.record({ kind: fc.constant("swap" as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ kind: fc.constant("duplicate" as const), at: fc.nat() }),
);

function apply(text: string, m: Mutation): string {
  if (text.length === 0) return text;
  switch (m.kind) {
    case "delete": {
      const at = m.at % text.length;
      return text.slice(0, at) + text.slice(at + m.length);
    }
    case "insert": {
      const at = m.at % (text.length + 1);
      return text.slice(0, at) + TOKENS[m.token] + text.slice(at);
    }
    case "swap": {
      const lines = text.split("\n");
      const a = m.a % lines.length;
      const b = m.b % lines.length;
      [lines[a], lines[b]] = [lines[b]!, lines[a]!];
      return lines.join("\n");
    }
    case "duplicate": {
      const lines = text.split("\n");
      const at = m.at % lines.length;
      lines.splice(at, 0, lines[at]!);
      return lines.join("\n");
    }
  }
}

function wellFormed(d: Diagnostic): boolean {
  return (
    typeof d.code === "string" &&
    typeof d.message === "string" &&
    d.message.length > 0 &&
    d.range.start.line >= 0 &&
    d.range.start.character >= 0
  );
}

describe("checker fuzz", () => {
  it("20 000 mutated programs: diagnostics, never a throw", () => {
    let runs = 0;
    fc.assert(
      fc.property(
        fc.nat({ max: seeds.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        fc.nat(),
        (seed, mutations, cursor) => {
          const text = mutations.reduce(apply, seeds[seed]!);
          const host = new MemoryHost({ "/f/main.mlops": text }, stdlib);
          const program = createProgram({ host, rootFiles: ["/f/main.mlops"], env: "prod" });
          const diagnostics = program.diagnostics();
          expect(diagnostics.every(wellFormed)).toBe(true);
          if (runs % 4 === 0) program.model();
          if (runs++ % 10 === 0) {
            const offset = cursor % (text.length + 1);
            completionsAt(program, "/f/main.mlops", offset);
            hoverAt(program, "/f/main.mlops", offset);
          }
        },
      ),
      { numRuns: 20_000, seed: 20261127 },
    );
  }, 120_000);
});
