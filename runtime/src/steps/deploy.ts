/** deploy.D: aliases the registered version `production` and records the promotion in the audit trail. */
import { jsonBytes, parseJson, type StepContext, type StepOutcome } from "../executor/step-context.js";
import { deploymentOf } from "./plan-lookup.js";
import type { RegisteredVersion } from "./register.js";

export async function deployStep(ctx: StepContext): Promise<StepOutcome> {
  const deployment = deploymentOf(ctx.plan, ctx.step.subject.name);
  const registered = parseJson<RegisteredVersion>(await ctx.readInput("version"));
  const registry = ctx.metadata.registry;
  const current = await registry.getAlias(registered.model, "production");
  let previous: number | null = current?.version ?? null;
  if (current?.version !== registered.version) {
    previous = (
      await registry.promote(registered.model, registered.version, "production", {
        reason: `deploy ${deployment.name} (run ${ctx.runId})`,
      })
    ).previousVersion;
  }
  const changed = current?.version !== registered.version;
  await ctx.writeOutput(
    "release",
    jsonBytes({
      deployment: deployment.name,
      model: registered.model,
      version: registered.version,
      alias: "production",
      previous,
      target: deployment.target.kind,
    }),
  );
  ctx.note(servedBy(deployment.target.kind, deployment.name));
  const summary = changed
    ? `v${registered.version} → production${previous !== null ? ` (was v${previous})` : ""}`
    : `v${registered.version} already production`;
  return { metrics: { version: registered.version }, summary };
}

function servedBy(target: string, name: string): string {
  switch (target) {
    case "kubernetes":
      return `the manifests from \`mlops render kubernetes\` serve the production version of ${name}`;
    case "docker":
      return `the image and compose file from \`mlops render docker\` serve the production version of ${name}`;
    case "batch":
      return `batch_predict.${name} scores with the production version on its schedule (\`mlops run --group batch.${name}\`)`;
    default:
      return `\`mlops serve\` serves the production version of ${name}`;
  }
}
