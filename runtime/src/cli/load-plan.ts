/** The plan a runtime command works on: compiled from sources (or the plan cache), or a validated plan.json. */
import { resolve } from "node:path";
import type { Plan } from "@mlops/compiler";
import { UsageError, loadPlan, type CliIO } from "@mlops/compiler/cli-core";

export interface LoadedPlan {
  plan: Plan;
  projectRoot: string;
}

/**
 * Undefined (after printing why) when the sources have errors or a plan.json breaks its schema.
 * A plan.json is validated against the schema as it is read; a plan from sources was checked
 * against it when it was emitted (and only such plans enter the plan cache).
 */
export async function loadRunnablePlan(
  arg: string,
  env: string | undefined,
  root: string | undefined,
  io: CliIO,
): Promise<LoadedPlan | undefined> {
  let built;
  try {
    built = await loadPlan(arg, env, io);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    io.stderr(`${(error as Error).message}\n`);
    return undefined;
  }
  if (!built) return undefined;
  return { plan: built.plan, projectRoot: root ? resolve(io.cwd, root) : built.projectRoot };
}
