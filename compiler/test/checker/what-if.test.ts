/**
 * What-if programs (services/what-if.ts): the compilation with one file's text
 * replaced says exactly what a fresh compilation of those texts says, while the
 * program asked about is edited, its imports change, and questions alternate
 * between files.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../src/diagnostics/diagnostic.js";
import { MemoryHost } from "../../src/host/memory-host.js";
import { createProgram, type Program } from "../../src/program/program.js";
import { missingFieldsFix } from "../../src/services/missing-fields.js";
import { programWithText } from "../../src/services/what-if.js";

const MAIN = "/w/main.mlops";
const SOURCES = "/w/sources.mlops";
const stdlib = (name: string): string => readFileSync(fileURLToPath(new URL(`../../../stdlib/std/${name}.mlops`, import.meta.url)), "utf8");
const std = { targets: stdlib("targets"), gates: stdlib("gates"), monitors: stdlib("monitors") };

const main = `pipeline t {
  owner = "t@example.com"
}

import "./sources.mlops"

features f from s {
  x_log = log1p(x)
}

model m {
  task     = binary_classification
  features = f
  trainer  = logistic_regression {}
}
`;
const sources = (target: string) => `source s {
  format = csv
  path   = "d.csv"
  schema {
    x: float
    ${target}: bool
  }
}
`;

function summary(program: Program): string[] {
  return program.diagnostics().map((d: Diagnostic) => `${d.file}:${d.range.start.line}:${d.range.start.character} ${d.code} ${d.message}`);
}

/** A fresh compilation of the same texts. */
function fresh(files: Record<string, string>): string[] {
  return summary(createProgram({ host: new MemoryHost(files, std), rootFiles: [MAIN] }));
}

describe("what-if programs", () => {
  it("agree with a fresh compilation while the program asked about is edited between questions", () => {
    const host = new MemoryHost({ [MAIN]: main, [SOURCES]: sources("y") }, std);
    const program = createProgram({ host, rootFiles: [MAIN] });
    const at = main.indexOf("model m") + "model ".length;
    expect(missingFieldsFix(program, MAIN, at)?.text).toBe("  target   = s.y\n");

    // the imported file is edited: the next question sees the renamed column
    program.updateFile(SOURCES, sources("churned"));
    expect(missingFieldsFix(program, MAIN, at)?.text).toBe("  target   = s.churned\n");

    const variants = [
      main.replace("log1p(x)", "log1p(z)"),
      main.replace("  trainer ", "  target   = s.churned\n  trainer "),
      main.replace("model m {", "model m2 {"),
      main,
    ];
    for (const text of variants) {
      expect(summary(programWithText(program, MAIN, text)), text).toEqual(fresh({ [MAIN]: text, [SOURCES]: sources("churned") }));
    }
    // alternating between files: the other file goes back to the program's text
    expect(summary(programWithText(program, SOURCES, sources("label")))).toEqual(fresh({ [MAIN]: main, [SOURCES]: sources("label") }));
    expect(summary(programWithText(program, MAIN, variants[1]!))).toEqual(fresh({ [MAIN]: variants[1]!, [SOURCES]: sources("churned") }));
    // and the program asked about is never touched
    expect(summary(program)).toEqual(fresh({ [MAIN]: main, [SOURCES]: sources("churned") }));
  });

  it("follow an import that stops or starts resolving", () => {
    const host = new MemoryHost({ [MAIN]: main, [SOURCES]: sources("y") }, std);
    const program = createProgram({ host, rootFiles: [MAIN] });
    const unimported = main.replace('import "./sources.mlops"\n', "");
    expect(summary(programWithText(program, MAIN, unimported))).toEqual(fresh({ [MAIN]: unimported, [SOURCES]: sources("y") }));
    expect(summary(programWithText(program, MAIN, main))).toEqual(fresh({ [MAIN]: main, [SOURCES]: sources("y") }));
    const other = main.replace("./sources.mlops", "./other.mlops");
    host.setFile("/w/other.mlops", sources("z"));
    expect(summary(programWithText(program, MAIN, other))).toEqual(
      fresh({ [MAIN]: other, [SOURCES]: sources("y"), "/w/other.mlops": sources("z") }),
    );
  });
});
