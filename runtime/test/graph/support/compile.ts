import { readFileSync } from "node:fs";
import { createProgram, emitPlan, MemoryHost, type Plan } from "@mlops/compiler";

/** Compiles `.mlops` text (one file) to a plan; throws on errors. */
export function compileText(text: string): Plan {
  const host = new MemoryHost({ "/p/main.mlops": text });
  const program = createProgram({ host, rootFiles: ["/p/main.mlops"] });
  const errors = program.diagnostics().filter((d) => d.severity === "error");
  if (errors.length > 0) throw new Error(errors.map((d) => `${d.range.start.line + 1}: ${d.message}`).join("\n"));
  return emitPlan(program, { projectRoot: "/p", env: null });
}

export function compileFixture(name: string): Plan {
  return compileText(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8"));
}
