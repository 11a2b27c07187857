import { NodeHost } from "../node/node-host.js";
import type { BuiltPlan } from "./build-plan.js";
import type { CliIO } from "./command.js";
import { compilationInput } from "./inputs.js";
import { PlanCache, nowNs } from "./plan-cache.js";
import { RecordingHost } from "./recording-host.js";

/**
 * The plan a command that runs it works on: a validated plan.json, or the project's plan — from
 * the plan cache when nothing the compiler would read has changed, else compiled (and cached).
 * The compiler is imported only when it has to run, so a cached `mlops run` never loads it.
 * Undefined (after printing why) when the sources have errors or a plan.json breaks its schema.
 */
export async function loadPlan(arg: string, env: string | undefined, io: CliIO): Promise<BuiltPlan | undefined> {
  if (arg.endsWith(".json")) return (await import("./build-plan.js")).planFromInput(arg, env, io);
  const input = compilationInput(arg, io.cwd);
  const allowRead = io.allowRead ?? [];
  const cache = PlanCache.for(input, env, { allowRead, enabled: io.env.MLOPS_PLAN_CACHE !== "off" });
  const host = new NodeHost();
  const cached = cache?.read(host);
  if (cached) return { plan: cached, projectRoot: input.projectRoot };
  const recordedAtNs = nowNs();
  const recording = new RecordingHost(host);
  const { buildPlanFromInput } = await import("./build-plan.js");
  const built = buildPlanFromInput(input, env, io, recording);
  if (built && cache) cache.write(built.plan, recording.record(), recordedAtNs);
  return built;
}
