import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createProgram, emitPlan, hasErrors, type Plan } from "@mlops/compiler";
import { NodeHost } from "@mlops/compiler/node";

export const repoRoot = fileURLToPath(new URL("../../..", import.meta.url)).replace(/\/$/, "");
export const sharedConformance = join(repoRoot, "..", "shared", "conformance");

/** Compiles one file (and its imports) to a plan, failing the test on diagnostics. */
export function compilePlan(file: string, env?: string, projectRoot = dirname(file)): Plan {
  const program = createProgram({ host: new NodeHost(), rootFiles: [file], ...(env !== undefined && { env }) });
  const errors = program.diagnostics().filter((d) => d.severity === "error");
  if (hasErrors(errors)) throw new Error(`${file} has errors:\n${errors.map((d) => `${d.range.start.line + 1}: ${d.message}`).join("\n")}`);
  return emitPlan(program, { projectRoot, env: env ?? null });
}

/**
 * The programs of a corpus folder (the `//~` corpus convention): each `.mlops`
 * file directly in it, and each sub-folder's `main.mlops` (a multi-file case).
 */
export function corpusPrograms(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (existsSync(join(path, "main.mlops"))) out.push(join(path, "main.mlops"));
    } else if (name.endsWith(".mlops")) out.push(path);
  }
  return out;
}
