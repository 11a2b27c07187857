/**
 * `updateFile` keeps the syntax nodes and check results of the declarations an
 * edit did not touch and moves their positions: every editor query and the plan
 * must then agree with a program checked from scratch, for edits before, inside
 * and after a declaration.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MemoryHost } from "../../src/host/memory-host.js";
import { emitPlan } from "../../src/plan/emit.js";
import { createProgram, type Program } from "../../src/program/program.js";
import { completionsAt, definition, hoverAt, references, typeAt } from "../../src/services/index.js";
import type { Span } from "../../src/syntax/ast.js";
import { parse } from "../../src/syntax/parse.js";
import { POSITION_KEYS } from "../../src/syntax/text-change.js";

const read = (rel: string): string => readFileSync(fileURLToPath(new URL(rel, import.meta.url)), "utf8");
/** The fraud example plus declarations with errors, fixes and quantities that no other declaration reads. */
const fraud = `${read("fixtures/fraud.mlops")}
source clicks {
  format = csv
  path   = "data/clicks.csv"
  schema {
    user:  string
    spent: float range(0, 10)
  }
}

/// Clicks features.
features cf from clicks {
  spent_log = log1p(spnt)
  spent_z   = standardize(spent)
}

param typo: int = "three"

deploy other_api {
  model    = fraud_clf
  gate     = release
  target   = kubernetes {
    namespace = "risk"
    image     = "registry.example.com/fraud-runtime:1.0"
    replicas  = params.replicas
    cpu       = 500x
    memory    = 512Mi
  }
  endpoint = { path = "/v1/other", port = 8080 }
}
`;
const stdlib = {
  targets: read("../../../stdlib/std/targets.mlops"),
  gates: read("../../../stdlib/std/gates.mlops"),
  monitors: read("../../../stdlib/std/monitors.mlops"),
};
const PATH = "/w/main.mlops";

function programOf(text: string): Program {
  return createProgram({ host: new MemoryHost({ [PATH]: text }, stdlib), rootFiles: [PATH] });
}

function planOf(program: Program): unknown {
  try {
    return emitPlan(program, { projectRoot: "/w", env: null });
  } catch (error) {
    return `throws: ${(error as Error).message}`;
  }
}

/** Everything an editor or the CLI reads from a program, at every `step`-th offset. */
function observe(program: Program, step: number): unknown {
  const text = program.file(PATH)!.text;
  const queries: unknown[] = [];
  for (let offset = 0; offset <= text.length; offset += step) {
    const type = typeAt(program, PATH, offset);
    queries.push({
      offset,
      hover: hoverAt(program, PATH, offset),
      definition: definition(program, PATH, offset),
      references: references(program, PATH, offset),
      type: type && { text: type.text, span: type.span },
    });
  }
  return { diagnostics: program.diagnostics(), queries, plan: planOf(program) };
}

function observeCompletions(program: Program, step: number): unknown[] {
  const text = program.file(PATH)!.text;
  const out: unknown[] = [];
  for (let offset = 0; offset <= text.length; offset += step) out.push(completionsAt(program, PATH, offset));
  return out;
}

function splice(text: string, at: number, remove: number, insert: string): string {
  return text.slice(0, at) + insert + text.slice(at + remove);
}

/** Every span object of the declarations, as often as nodes hold it. */
function spansOf(text: string): Span[] {
  const out: Span[] = [];
  const stack: unknown[] = [parse(text, PATH).file.declarations];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value !== "object" || value === null) continue;
    for (const [key, child] of Object.entries(value)) {
      if (POSITION_KEYS.has(key)) out.push(child as Span);
      else stack.push(child);
    }
  }
  return out;
}

describe("incremental updates keep unchanged declarations", () => {
  it("relies on syntax nodes never sharing a span object", () => {
    const corpus = ["fraud.mlops", "external_trainer.mlops"].map((name) => read(`../../../test/corpus/valid/${name}`));
    for (const text of [fraud, ...corpus, 'features s from t { label = "n=${amount} ${hour + 1}" }\n']) {
      const spans = spansOf(text);
      expect(new Set(spans).size).toBe(spans.length);
    }
  });

  it("re-checks only the edited declaration and its dependents", () => {
    const program = programOf(fraud);
    program.diagnostics();
    const untouched = program.symbols().all.filter((s) => s.file.path === PATH);
    const at = fraud.indexOf("  amount_log = log1p(amount)");
    program.updateFile(PATH, splice(fraud, at, 0, "\n"));
    const kept = program.symbols().all.filter((s) => untouched.includes(s));
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(untouched.length);
  });

  it.each([
    ["before every declaration", 0, 0, "\n\n"],
    ["inside a declaration", fraud.indexOf("amount_log = log1p(amount)"), 0, "  "],
    ["in a doc comment", fraud.indexOf("///") + 3, 0, " more"],
    ["after the last declaration", fraud.length, 0, "\nparam extra: int = 3\n"],
    ["removing a line break", fraud.indexOf("\n\n"), 1, ""],
  ])("agrees with a fresh program after an edit %s", (_, at, remove, insert) => {
    const program = programOf(fraud);
    observe(program, 5);
    const text = splice(fraud, at, remove, insert);
    program.updateFile(PATH, text);
    expect(observe(program, 1)).toEqual(observe(programOf(text), 1));
    expect(observeCompletions(program, 13)).toEqual(observeCompletions(programOf(text), 13));
  });

  it("drops did-you-mean hints and fixes when the name they suggest is renamed or a closer one appears", () => {
    const typos = `${fraud}\nenv canary { replicai = 3 }\n\ngate g {\n  model = fraud_cl_\n  require auc >= 80%\n}\n`;
    const hintsOf = (program: Program): string[] =>
      program
        .diagnostics()
        .filter((d) => d.code === "unknown-reference")
        .flatMap((d) => [...d.hints, ...d.fixes.map((f) => f.title)]);
    const program = programOf(typos);
    expect(hintsOf(program)).toEqual(
      expect.arrayContaining(["did you mean `replicas`?", "Change to `replicas`", "did you mean `fraud_clf`?", "Change to `fraud_clf`"]),
    );
    let text = typos;
    const edits: Array<[string, string]> = [
      ["model fraud_clf {", "model fraud_model {"],
      ["param replicas:", "param pod_count:"],
      ["param min_auc:", "param replicaz:"],
      ["gate release {", "gate fraud_cl {"],
    ];
    for (const [from, to] of edits) {
      const at = text.indexOf(from);
      // one keystroke at a time, as an editor sends them
      for (let i = 0; i < Math.max(from.length, to.length); i++) {
        const next = splice(text, at, from.length, to.slice(0, i + 1) + from.slice(i + 1));
        if (next === text) continue;
        text = next;
        program.updateFile(PATH, text);
        program.diagnostics();
      }
      text = splice(text, at, from.length, to);
      program.updateFile(PATH, text);
      expect(program.diagnostics(), `after ${from} → ${to}`).toEqual(programOf(text).diagnostics());
    }
    expect(hintsOf(program)).not.toContain("did you mean `fraud_clf`?");
    expect(hintsOf(program)).not.toContain("did you mean `replicas`?");
  });

  it("agrees with a fresh program after random edit sequences", () => {
    const SNIPPETS = [
      "",
      " ",
      "\n",
      "x",
      "}",
      "{",
      "/// doc\n",
      "amount",
      "= 3",
      '"',
      "features f2 from transactions { z = amount }\n",
      "param p: int = 1\n",
    ];
    const edit = fc.record({ at: fc.nat(), remove: fc.nat({ max: 6 }), insert: fc.nat({ max: SNIPPETS.length - 1 }) });
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => {
        let text = fraud;
        const program = programOf(text);
        observe(program, 17);
        for (const e of edits) {
          const at = e.at % (text.length + 1);
          text = splice(text, at, e.remove, SNIPPETS[e.insert]!);
          program.updateFile(PATH, text);
          expect(observe(program, 7)).toEqual(observe(programOf(text), 7));
        }
      }),
      { numRuns: 40, seed: 11 },
    );
  });
});
