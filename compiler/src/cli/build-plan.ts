import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
export { writeFileAtomic } from "./write-atomic.js";
import type { CliIO } from "./command.js";
import { UsageError } from "./command.js";
import { type CompilationInput, compilationInput, displayPath } from "./inputs.js";
import type { CompilerHost } from "../host/host.js";
import { compile } from "./compile.js";
import { printDiagnostics } from "./print-diagnostics.js";
import { emitPlan } from "../plan/emit.js";
import { parsePlan, planSchemaErrors } from "../plan/schema-errors.js";
import { planSchemaValidator } from "./plan-schema-validator.js";
import type { Plan } from "../plan/types.js";
import type { Program } from "../program/program.js";
import { hasErrors } from "../diagnostics/diagnostic.js";
import { escapeControl } from "../diagnostics/terminal-text.js";

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
  return buildPlanFromInput(compilationInput(arg, io.cwd), env, io);
}

/** `buildPlanFromSources` for an input already resolved, through `host` (the Node host by default). */
export function buildPlanFromInput(
  input: CompilationInput,
  env: string | undefined,
  io: CliIO,
  host?: CompilerHost,
): BuiltPlan | undefined {
  const arg = input.label;
  const { program } = compile(input, env, io.allowRead, host);
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
  const plan = schemaChecked(emitPlan(program, { projectRoot: input.projectRoot, env: env ?? null }), arg, io);
  return plan && { plan, projectRoot: input.projectRoot, program };
}

/**
 * A plan is checked against its own schema before anything uses or writes it (as the KFP
 * compiler does): a program the checker let through but the plan cannot describe fails here,
 * at build time, not inside Airflow hours later. Such a plan is a compiler bug: the checker
 * should have said what is wrong, with a range. Prints the violations; undefined then.
 */
function schemaChecked(plan: Plan, arg: string, io: CliIO): Plan | undefined {
  const errors = planSchemaErrors(planSchemaValidator(), plan);
  if (errors.length === 0) return plan;
  const lines = errors.slice(0, 20).map((e) => `  ${e.path}: ${escapeControl(e.message)}\n`);
  io.stderr(
    `error: the plan of ${escapeControl(arg)} breaks the plan schema, so nothing was written. This is a compiler bug (the checker should have reported it): please report it.\n${lines.join("")}`,
  );
  return undefined;
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
  for (const name of Object.keys(built.plan.envs).sort()) {
    const plan = schemaChecked(emitPlan(built.program, { projectRoot: built.projectRoot, env: name }), arg, io);
    if (!plan) return undefined;
    envs[name] = plan;
  }
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
    return { plan: parsePlan(text, arg, planSchemaValidator()), projectRoot: dirname(path) };
  }
  return buildPlanFromSources(arg, env, io);
}

/** Where `mlops build` remembers its last plan, so `mlops plan` can say what would re-run. */
export function lastBuildPath(projectRoot: string): string {
  return join(projectRoot, ".mlops", "last-build.json");
}
