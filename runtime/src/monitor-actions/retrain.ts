/**
 * `retrain(model)`: runs the model's training DAG as its own run on the data as it is now (a new
 * data snapshot → features → train → evaluate → gate → register → deploy). The gate decides: a
 * better model is registered and its deployments' `deploy` steps promote it per their rollout; a
 * worse one fails the gate and production stays. Unchanged data re-uses the cached steps, so a
 * resumed retrain does not train twice, and registering the same artifact again returns its
 * existing version.
 */
import type { StepContext } from "../executor/step-context.js";
import { type RunReporter, type RunResult, silentReporter } from "../executor/reporter.js";

export interface RetrainOutcome {
  runId: string;
  /** The run's steps all succeeded (a failed gate is a failed run that changed nothing). */
  succeeded: boolean;
  outcome: string;
}

export async function retrainModel(ctx: StepContext, model: string): Promise<RetrainOutcome> {
  const deploys = ctx.plan.steps.filter(
    (s) => s.kind === "deploy" && s.group === "pipeline" && ctx.plan.deployments[s.subject.name]?.model === model,
  );
  const only = deploys.length > 0 ? deploys.map((s) => s.id) : [`register.${model}`];
  // loaded when used: the executor runs this step, so a static import would be a cycle
  const { runPlan } = await import("../executor/executor.js");
  const reporter: RunReporter = {
    ...silentReporter,
    runStarted: (info) => ctx.note(`retrain of ${model}: run ${info.runId} started`),
    stepFinished: (step, r) => ctx.note(`retrain of ${model}: ${step.id} ${r.status}${r.summary ? ` (${r.summary})` : ""}`),
  };
  const result = await runPlan(
    ctx.plan,
    ctx.projectRoot,
    { artifacts: ctx.artifacts, metadata: ctx.metadata },
    { only, reporter, env: ctx.env, grants: ctx.grants },
  );
  return { runId: result.runId, succeeded: result.status === "succeeded", outcome: describe(result, model) };
}

function describe(result: RunResult, model: string): string {
  const register = result.steps.find((s) => s.stepId === `register.${model}`);
  const deployed = result.steps.filter((s) => s.kind === "deploy" && s.status !== "skipped");
  if (result.status === "succeeded") {
    const parts = [register?.summary ?? "registered", ...deployed.map((d) => `${d.stepId}: ${d.summary ?? "done"}`)];
    return `retrain run ${result.runId}: ${model} ${parts.join("; ")}`;
  }
  const failed = result.steps.find((s) => s.status === "failed");
  const why = failed?.error?.split("\n")[0] ?? "a step failed";
  const gate = failed?.kind === "gate" || failed?.kind === "register";
  return `retrain run ${result.runId} ${gate ? "did not promote" : "failed"}: ${failed?.stepId ?? ""} ${why}${gate ? "; production unchanged" : ""}`;
}
