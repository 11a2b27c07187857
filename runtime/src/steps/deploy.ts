/**
 * deploy.D: aliases the registered version `production` and records the promotion in the audit trail.
 * A version rolled back from production is not put back by a run: it stays out (and the run says so)
 * until a new version passes the gate, or someone promotes it by hand.
 */
import { jsonBytes, parseJson, type StepContext, type StepOutcome } from "../executor/step-context.js";
import { deploymentOf } from "./plan-lookup.js";
import type { RolledBack } from "../store/model-registry.js";
import type { RegisteredVersion } from "./register.js";

export async function deployStep(ctx: StepContext): Promise<StepOutcome> {
  const deployment = deploymentOf(ctx.plan, ctx.step.subject.name);
  const registered = parseJson<RegisteredVersion>(await ctx.readInput("version"));
  const registry = ctx.metadata.registry;
  const current = await registry.getAlias(registered.model, "production");
  let previous: number | null = current?.version ?? null;
  let heldBack: RolledBack | undefined;
  if (current?.version !== registered.version) {
    const change = await registry.promote(registered.model, registered.version, "production", {
      reason: `deploy ${deployment.name} (run ${ctx.runId})`,
      respectRollbacks: true,
    });
    previous = change.previousVersion;
    heldBack = change.heldBack;
  }
  if (heldBack) return heldBackOutcome(ctx, deployment.name, registered, heldBack, previous);
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

/** The registered version was rolled back from production: it stays out until a new version passes the gate. */
async function heldBackOutcome(
  ctx: StepContext,
  deployment: string,
  registered: RegisteredVersion,
  heldBack: RolledBack,
  production: number | null,
): Promise<StepOutcome> {
  await ctx.writeOutput(
    "release",
    jsonBytes({
      deployment,
      model: registered.model,
      version: production,
      alias: "production",
      previous: production,
      heldBack,
    }),
  );
  const when = heldBack.at.replace("T", " ").slice(0, 19);
  ctx.note(
    `v${registered.version} was rolled back from production by ${heldBack.by} at ${when}${heldBack.reason ? ` (${heldBack.reason})` : ""}; ` +
      `it stays out until a new version passes the gate (or \`mlops models promote ${registered.model} ${registered.version}\`)`,
  );
  const stays = production === null ? "no production version" : `production stays v${production}`;
  return { metrics: { version: production ?? 0 }, summary: `v${registered.version} held back (rolled back); ${stays}` };
}

function servedBy(target: string, name: string): string {
  switch (target) {
    case "kubernetes":
    case "kserve":
      return `the manifests from \`mlops render kubernetes\` serve the production version of ${name}`;
    case "docker":
      return `the image and compose file from \`mlops render docker\` serve the production version of ${name}`;
    case "batch":
      return `batch_predict.${name} scores with the production version on its schedule (\`mlops run --group batch.${name}\`)`;
    default:
      return `\`mlops serve\` serves the production version of ${name}`;
  }
}
