import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
export { writeFileAtomic } from "./write-atomic.js";
import type { CliIO } from "./command.js";
import { UsageError } from "./command.js";
import { compilationInput, displayPath } from "./inputs.js";
import { compile } from "./compile.js";
import { printDiagnostics } from "./print-diagnostics.js";
import { emitPlan } from "../plan/emit.js";
import { loadPlan } from "../plan/validate.js";
import type { Plan } from "../plan/types.js";
import type { Program } from "../program/program.js";
import { hasErrors } from "../diagnostics/diagnostic.js";

export interface BuiltPlan {
  plan: Plan;
  projectRoot: string;
  /** The compilation it came from (absent for a plan read from JSON). */
  program?: Program;
}

/**
 * Compiles FILE|DIR for an env and emits its plan; on errors prints the
 * diagnostics (text, to stderr) and returns undefined. Shared by build, plan,
 * diff, render and the runtime's run.
 */
export function buildPlanFromSources(arg: string, env: string | undefined, io: CliIO): BuiltPlan | undefined {
  const input = compilationInput(arg, io.cwd);
  const { program } = compile(input, env, io.allowRead);
  const diagnostics = program.diagnostics();
  if (env !== undefined && !program.model().envs[env]) {
    throw new UsageError(`no env '${env}' in ${arg} (declared: ${Object.keys(program.model().envs).join(", ") || "none"})`);
  }
  if (hasErrors(diagnostics)) {
    printDiagnostics(
      diagnostics,
      "text",
      { ...io, stdout: io.stderr },
      {
        fileCount: program.files().length,
        source: (file) => program.file(file)?.lineMap,
        displayPath: (file) => displayPath(file, io.cwd),
      },
    );
    return undefined;
  }
  const plan = emitPlan(program, { projectRoot: input.projectRoot, env: env ?? null });
  return { plan, projectRoot: input.projectRoot, program };
}

/**
 * The plan for `env` (or the defaults) and one plan per declared env, from one
 * compilation: what the Kubernetes renderer needs for its overlays.
 */
export function buildPlansForEveryEnv(
  arg: string,
  env: string | undefined,
  io: CliIO,
): { base: Plan; envs: Record<string, Plan>; projectRoot: string } | undefined {
  const built = buildPlanFromSources(arg, env, io);
  if (!built?.program) return undefined;
  const envs: Record<string, Plan> = {};
  for (const name of Object.keys(built.plan.envs).sort())
    envs[name] = emitPlan(built.program, { projectRoot: built.projectRoot, env: name });
  return { base: built.plan, envs, projectRoot: built.projectRoot };
}

/** A plan from a `.json` file (validated against the schema) or from sources. */
export function planFromInput(arg: string, env: string | undefined, io: CliIO): BuiltPlan | undefined {
  if (arg.endsWith(".json")) {
    const path = resolve(io.cwd, arg);
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch {
      throw new UsageError(`cannot read ${arg}`);
    }
    if (env !== undefined) throw new UsageError("--env applies to sources, not to a built plan");
    return { plan: loadPlan(text, arg), projectRoot: dirname(path) };
  }
  return buildPlanFromSources(arg, env, io);
}

/** Where `mlops build` remembers its last plan, so `mlops plan` can say what would re-run. */
export function lastBuildPath(projectRoot: string): string {
  return join(projectRoot, ".mlops", "last-build.json");
}
