/** The plan a runtime command works on: compiled from sources, or a validated plan.json. */
import { resolve } from "node:path";
import { validatePlan, type Plan } from "@mlops/compiler";
import { UsageError, planFromInput, type CliIO } from "@mlops/compiler/cli";

export interface LoadedPlan {
  plan: Plan;
  projectRoot: string;
}

/** Undefined (after printing why) when the sources have errors or the plan breaks its schema. */
export function loadRunnablePlan(arg: string, env: string | undefined, root: string | undefined, io: CliIO): LoadedPlan | undefined {
  let built;
  try {
    built = planFromInput(arg, env, io);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    io.stderr(`${(error as Error).message}\n`);
    return undefined;
  }
  if (!built) return undefined;
  const errors = validatePlan(built.plan);
  if (errors.length > 0) {
    io.stderr(
      `the plan breaks its schema:\n${errors
        .slice(0, 20)
        .map((e) => `  ${e.path}: ${e.message}`)
        .join("\n")}\n`,
    );
    return undefined;
  }
  return { plan: built.plan, projectRoot: root ? resolve(io.cwd, root) : built.projectRoot };
}
