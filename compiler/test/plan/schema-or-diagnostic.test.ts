/**
 * Every program the checker accepts builds a plan that its own JSON Schema accepts: a value
 * the plan cannot hold (an empty image, a cpu of 1e-7 cores, a feature set without features)
 * is a checker diagnostic with a range, not a failure inside Airflow hours later.
 * Property: the literals of every valid corpus program, replaced one at a time by edge values.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createProgram, emitPlan, hasErrors, OverlayHost, parse, validatePlan, walk } from "@mlops/compiler";
import { NodeHost } from "@mlops/compiler/node";
import { dirname, join } from "node:path";
import { corpusPrograms, repoRoot } from "./compile-plan.js";

const NUMBER_EDGES = ["0", "0.0015", "-1", "1e9"];
const STRING_EDGES = ['""', '" "'];

/** Each program with one literal replaced by an edge value. */
function mutants(text: string, file: string): string[] {
  const out: string[] = [];
  walk(parse(text, file).file, (node) => {
    if (node.kind !== "Number" && node.kind !== "String") return;
    const edges = node.kind === "Number" ? NUMBER_EDGES : STRING_EDGES;
    for (const edge of edges) out.push(text.slice(0, node.span.start) + edge + text.slice(node.span.end));
  });
  return out;
}

/** The disk, with one file's text replaced. */
const withText = (path: string, text: string) =>
  new OverlayHost((p) => (p === path ? text : undefined), new NodeHost({ stdlibDir: join(repoRoot, "stdlib/std") }));

describe("a program the checker accepts", () => {
  it("has a plan its schema accepts, for every literal of the valid corpus set to an edge value", () => {
    const broken: string[] = [];
    let accepted = 0;
    for (const file of corpusPrograms(join(repoRoot, "test/corpus/valid"))) {
      const text = readFileSync(file, "utf8");
      for (const mutant of mutants(text, file)) {
        const program = createProgram({ host: withText(file, mutant), rootFiles: [file] });
        if (hasErrors(program.diagnostics())) continue;
        accepted++;
        const errors = validatePlan(emitPlan(program, { projectRoot: dirname(file), env: null }));
        if (errors.length > 0) {
          const line = mutant.split("\n").find((l, i) => l !== text.split("\n")[i]);
          broken.push(
            `${file.slice(repoRoot.length + 1)}: \`${line?.trim()}\` → ${errors.map((e) => `${e.path} ${e.message}`).join("; ")}`,
          );
        }
      }
    }
    expect(accepted).toBeGreaterThan(100);
    expect(broken).toEqual([]);
  });
});
