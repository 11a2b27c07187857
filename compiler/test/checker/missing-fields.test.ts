/**
 * "Add the missing required fields" (services/missing-fields.ts) and the
 * checker's own per-field fixes: every value they insert type-checks, or the
 * field is left to the user (a tab stop in the snippet form).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Diagnostic, Fix } from "../../src/diagnostics/diagnostic.js";
import { MemoryHost } from "../../src/host/memory-host.js";
import { createProgram, type Program } from "../../src/program/program.js";
import { missingFieldsFix } from "../../src/services/missing-fields.js";
import { LineMap } from "../../src/syntax/line-map.js";

const PATH = "/m/main.mlops";
const stdlib = (name: string): string => readFileSync(fileURLToPath(new URL(`../../../stdlib/std/${name}.mlops`, import.meta.url)), "utf8");
const std = { targets: stdlib("targets"), gates: stdlib("gates"), monitors: stdlib("monitors") };

function programOf(text: string): Program {
  return createProgram({ host: new MemoryHost({ [PATH]: text }, std), rootFiles: [PATH] });
}

function insert(text: string, fix: { range: Diagnostic["range"] }, inserted: string): string {
  const at = new LineMap(text).offset(fix.range.start);
  return text.slice(0, at) + inserted + text.slice(at);
}

function errors(text: string): string[] {
  return programOf(text)
    .diagnostics()
    .filter((d) => d.severity === "error")
    .map((d) => `${d.range.start.line + 1}: ${d.code} ${d.message}`);
}

const header = `pipeline t {
  owner = "t@example.com"
}

source s {
  format = csv
  path   = "d.csv"
  schema {
    x:    float
    n:    int range(0, 10)
    name: string?
    w:    float?
    y:    bool
    v:    float
    ts:   timestamp
  }
}
`;

describe("add the missing required fields", () => {
  it("picks a non-null target that fits the task and is not an input (not the first column, not a nullable one)", () => {
    const text = `${header}
model m {
  task     = binary_classification
  features = [s.x]
  trainer  = logistic_regression { epochs = 5 }
}
`;
    const fix = missingFieldsFix(programOf(text), PATH, text.indexOf("model m") + 6)!;
    expect(fix.title).toBe("Add the missing required fields of `m`");
    expect(fix.text).toBe("  target   = s.y\n");
    expect(fix.snippet).toBe("  target   = ${1:s.y}\n");
    expect(fix.unresolved).toEqual([]);
    expect(errors(insert(text, fix, fix.text))).toEqual([]);
  });

  it("chooses a regression target for a regression model", () => {
    const text = `${header}
model m {
  task     = regression
  features = [s.x, s.n]
  trainer  = linear_regression {}
}
`;
    const fix = missingFieldsFix(programOf(text), PATH, text.indexOf("model m"))!;
    expect(fix.text).toBe("  target   = s.v\n");
    expect(errors(insert(text, fix, fix.text))).toEqual([]);
  });

  it("fills an empty model with values that all type-check together", () => {
    const text = `${header}
features f from s {
  x2 = x * 2
}

model m {
}
`;
    const fix = missingFieldsFix(programOf(text), PATH, text.indexOf("model m") + 7)!;
    expect(fix.unresolved).toEqual([]);
    const after = insert(text, fix, fix.text);
    expect(errors(after)).toEqual([]);
    expect(fix.text).toContain("target   = s.y");
    expect(fix.text).toContain("features = f");
  });

  it("leaves out a field no value checks for, and gives it an empty tab stop in the snippet", () => {
    const text = `${header}
gate g {
  require auc >= 80%
}
`;
    const fix = missingFieldsFix(programOf(text), PATH, text.indexOf("gate g") + 5)!;
    expect(fix.unresolved).toEqual(["model"]);
    expect(fix.text).toBe("");
    expect(fix.snippet).toBe("  model = ${1}\n");
  });

  it("inserts on a new line when the closing brace shares a line with the last field", () => {
    const text = `${header}
model m { task = regression
  features = [s.x]
  trainer = linear_regression {} }
`;
    const fix = missingFieldsFix(programOf(text), PATH, text.indexOf("model m"))!;
    const after = insert(text, fix, fix.text);
    expect(after).toContain("trainer = linear_regression {} \n  target   = s.n\n}");
    expect(errors(after)).toEqual([]);
  });

  it("has nothing to add to a complete declaration or a template", () => {
    const text = `${header}
template model base {
  task = regression
}
model m extends base {
  features = [s.x]
  target   = s.v
  trainer  = linear_regression {}
}
`;
    const program = programOf(text);
    expect(missingFieldsFix(program, PATH, text.indexOf("model m"))).toBeUndefined();
    expect(missingFieldsFix(program, PATH, text.indexOf("template model base") + 16)).toBeUndefined();
  });
});

/** Every `.mlops` file under the corpus folder. */
function corpusFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? corpusFiles(path) : name.endsWith(".mlops") ? [path] : [];
    });
}

function applyFix(text: string, fix: Fix): string {
  const map = new LineMap(text);
  const edits = fix.edits
    .map((e) => ({ start: map.offset(e.range.start), end: map.offset(e.range.end), text: e.newText }))
    .sort((a, b) => b.start - a.start);
  for (const e of edits) text = text.slice(0, e.start) + e.text + text.slice(e.end);
  return text;
}

describe("the checker's fixes for missing fields", () => {
  it("never insert a field without a value (`target = ` is a syntax error)", () => {
    const text = `${header}
model m {
  task     = binary_classification
  features = [s.x]
  trainer  = logistic_regression { epochs = 5 }
}
`;
    const missing = programOf(text)
      .diagnostics()
      .filter((d) => d.code === "missing-field");
    expect(missing.map((d) => d.message)).toEqual(["model `m` is missing the required field `target` (source.column)"]);
    for (const fix of missing.flatMap((d) => d.fixes)) expect(fix.edits.every((e) => !/=\s*$/.test(e.newText))).toBe(true);
  });

  it("over the corpus: applying any missing-field fix makes no syntax error and leaves no error on the line it writes", () => {
    const corpus = fileURLToPath(new URL("../../../test/corpus/invalid", import.meta.url));
    let applied = 0;
    for (const path of corpusFiles(corpus)) {
      const text = readFileSync(path, "utf8");
      const program = createProgram({ host: new MemoryHost({ [PATH]: text }, std), rootFiles: [PATH] });
      for (const d of program.diagnostics()) {
        if (d.code !== "missing-field") continue;
        for (const fix of d.fixes) {
          if (fix.edits.some((e) => e.file !== PATH)) continue;
          const after = applyFix(text, fix);
          const line = fix.edits[0]!.range.start.line;
          const next = programOf(after).diagnostics();
          expect(
            next.filter(
              (n) => n.code === "syntax-error" || (n.severity === "error" && n.range.start.line === line && n.code !== "missing-field"),
            ),
            `${path}: ${fix.title}`,
          ).toEqual([]);
          applied++;
        }
      }
    }
    expect(applied).toBeGreaterThan(0);
  });

  it("over the corpus: the editor's fix leaves no error on the lines it adds and no syntax error", () => {
    const corpus = fileURLToPath(new URL("../../../test/corpus/invalid", import.meta.url));
    let fixed = 0;
    for (const path of corpusFiles(corpus)) {
      const text = readFileSync(path, "utf8");
      const program = programOf(text);
      for (const d of program.diagnostics()) {
        if (d.code !== "missing-field" || d.file !== PATH) continue;
        const fix = missingFieldsFix(program, PATH, new LineMap(text).offset(d.range.start));
        if (!fix?.text) continue;
        const after = insert(text, fix, fix.text);
        const first = fix.range.start.line + (fix.text.startsWith("\n") ? 1 : 0);
        const added = fix.text.split("\n").filter((l) => l.trim() !== "").length;
        const next = programOf(after).diagnostics();
        expect(
          next.filter(
            (n) =>
              n.code === "syntax-error" || (n.severity === "error" && n.range.start.line >= first && n.range.start.line < first + added),
          ),
          `${path}: ${fix.text}`,
        ).toEqual([]);
        fixed++;
      }
    }
    expect(fixed).toBeGreaterThan(0);
  });
});
