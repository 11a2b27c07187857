/** The plan a runtime command works on: compiled from sources, or a validated plan.json. */
import { resolve } from "node:path";
import type { Plan } from "@mlops/compiler";
import { UsageError, planFromInput, type CliIO } from "@mlops/compiler/cli";

export interface LoadedPlan {
  plan: Plan;
  projectRoot: string;
}

/**
 * Undefined (after printing why) when the sources have errors or a plan.json breaks its schema.
 * A plan.json is validated against the schema as it is read (`loadPlan`); a plan the compiler has
 * just emitted is not validated again here (the compiler's tests hold every emitted plan to the
 * schema), which keeps a cached `mlops run` from compiling the schema validator on every start.
 */
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
  return { plan: built.plan, projectRoot: root ? resolve(io.cwd, root) : built.projectRoot };
}
