/**
 * deploy.D: points an alias at the registered version and records it in the audit trail. An
 * `all_at_once` rollout moves `production`. A `canary` rollout sets `canary` and leaves
 * `production` where it is (the first deployment, with no production yet, goes straight to
 * production); `mlops rollout promote|abort` finishes it.
 * A version rolled back from production is not put back by a run — neither as production nor as
 * the canary: it stays out (and the run says so) until a new version passes the gate, or someone
 * promotes it by hand.
 */
import { jsonBytes, parseJson, type StepContext, type StepOutcome } from "../executor/step-context.js";
import type { ModelRegistry, RolledBack } from "../store/model-registry.js";
import { deploymentOf } from "./plan-lookup.js";
import type { RegisteredVersion } from "./register.js";

export async function deployStep(ctx: StepContext): Promise<StepOutcome> {
  const deployment = deploymentOf(ctx.plan, ctx.step.subject.name);
  const registered = parseJson<RegisteredVersion>(await ctx.readInput("version"));
  const registry = ctx.metadata.registry;
  const production = await registry.getAlias(registered.model, "production");
  const canary = deployment.rollout.kind === "canary" && production !== null && production.version !== registered.version;
  const alias = canary ? "canary" : "production";
  const current = canary ? await registry.getAlias(registered.model, "canary") : production;
  let previous: number | null = current?.version ?? null;
  let heldBack: RolledBack | undefined;
  let changed = current?.version !== registered.version;
  if (changed) {
    heldBack = canary ? await rolledBackFromProduction(registry, registered.model, registered.version) : undefined;
    if (!heldBack) {
      const change = await registry.promote(registered.model, registered.version, alias, {
        reason: `deploy ${deployment.name} (run ${ctx.runId})`,
        respectRollbacks: true,
      });
      previous = change.previousVersion;
      heldBack = change.heldBack;
      // another deployment of the model moved the alias between our read and our promote
      changed = previous !== registered.version;
    }
  }
  if (heldBack) return heldBackOutcome(ctx, deployment.name, registered, heldBack, production?.version ?? null);
  await ctx.writeOutput(
    "release",
    jsonBytes({
      deployment: deployment.name,
      model: registered.model,
      version: registered.version,
      alias,
      previous,
      production: canary ? production.version : registered.version,
      target: deployment.target.kind,
    }),
  );
  if (canary) {
    ctx.note(
      `v${registered.version} is the canary of ${deployment.name}; production stays v${production.version}. Serve it with \`mlops serve --alias canary\`, then \`mlops rollout promote ${deployment.name}\` or \`mlops rollout abort ${deployment.name}\``,
    );
  } else {
    ctx.note(servedBy(deployment.target.kind, deployment.name));
  }
  const summary = !changed
    ? `v${registered.version} already ${alias}`
    : canary
      ? `v${registered.version} → canary (production stays v${production.version})`
      : `v${registered.version} → production${previous !== null ? ` (was v${previous})` : ""}`;
  return { metrics: { version: registered.version }, summary };
}

/** The rollback that took `version` off production, unless it was promoted to production again since. */
async function rolledBackFromProduction(registry: ModelRegistry, model: string, version: number): Promise<RolledBack | undefined> {
  const audit = await registry.listAudit({ model });
  for (let i = audit.length - 1; i >= 0; i--) {
    const entry = audit[i]!;
    if (entry.alias !== "production") continue;
    if (entry.action === "promote" && entry.version === version) return undefined;
    if (entry.action === "rollback" && entry.details.previousVersion === version)
      return { version, at: entry.at, by: entry.user, reason: entry.reason };
  }
  return undefined;
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
