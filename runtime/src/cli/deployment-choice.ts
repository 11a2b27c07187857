/** Which deployment of a plan a command works on: the one named, or the only one that fits. */
import type { DeploymentSpec, Plan } from "@mlops/compiler";
import { UsageError } from "@mlops/compiler/cli-core";

/** A deployment served by `mlops serve` (every target but `batch`). */
export function isServed(deployment: DeploymentSpec): boolean {
  return deployment.target.kind !== "batch";
}

/** The served deployment `name`, or the plan's only served deployment; a `UsageError` otherwise. */
export function chooseServedDeployment(plan: Plan, name: string | undefined): DeploymentSpec {
  const served = Object.values(plan.deployments).filter(isServed);
  if (name !== undefined) {
    const deployment = plan.deployments[name];
    if (!deployment)
      throw new UsageError(`no deployment ${name} in the plan (deployments: ${Object.keys(plan.deployments).join(", ") || "none"})`);
    if (!isServed(deployment))
      throw new UsageError(
        `deployment ${name} is a batch deployment: \`mlops run --group batch.${name}\` scores it; there is nothing to serve`,
      );
    return deployment;
  }
  if (served.length === 1) return served[0]!;
  if (served.length === 0) throw new UsageError("the plan has no served deployment (local, docker or kubernetes target) to serve");
  throw new UsageError(
    `the plan has ${served.length} served deployments; choose one with --deployment (${served.map((d) => d.name).join(", ")})`,
  );
}
