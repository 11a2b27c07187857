/**
 * Incremental checking must agree with checking from scratch: random edits to
 * one file of a multi-file project, re-checked through `updateFile`, give the
 * same diagnostics as a fresh program over the same texts.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MemoryHost, createProgram } from "@mlops/compiler";

const read = (rel: string): string => readFileSync(fileURLToPath(new URL(rel, import.meta.url)), "utf8");
const base: Record<string, string> = {
  "/p/main.mlops": read("../corpus/valid/multi_project/main.mlops"),
  "/p/data/sources.mlops": read("../corpus/valid/multi_project/data/sources.mlops"),
  "/p/data/features.mlops": read("../corpus/valid/multi_project/data/features.mlops"),
};
const paths = Object.keys(base);
const SNIPPETS = [
  "label",
  "labl",
  "v",
  "w",
  "bool",
  "float",
  "fs",
  "src",
  "features fs2 from src { z = v }\n",
  "}",
  "{",
  "model",
  "\n",
  "regression",
  "= 3",
  'import "./data/sources.mlops"\n',
];

const edit = fc.record({
  file: fc.nat({ max: paths.length - 1 }),
  at: fc.nat(),
  remove: fc.nat({ max: 8 }),
  insert: fc.nat({ max: SNIPPETS.length - 1 }),
});

describe("incremental checking", () => {
  it("agrees with a fresh check after every edit", () => {
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 6 }), (edits) => {
        const texts = { ...base };
        const program = createProgram({ host: new MemoryHost(texts), rootFiles: ["/p/main.mlops"] });
        program.diagnostics();
        for (const e of edits) {
          const path = paths[e.file]!;
          const text = texts[path]!;
          const at = e.at % (text.length + 1);
          texts[path] = text.slice(0, at) + SNIPPETS[e.insert] + text.slice(at + e.remove);
          program.updateFile(path, texts[path]!);
          const fresh = createProgram({ host: new MemoryHost(texts), rootFiles: ["/p/main.mlops"] });
          expect(program.diagnostics()).toEqual(fresh.diagnostics());
        }
      }),
      { numRuns: 400, seed: 7 },
    );
  });
});
