import { parseArgs } from "node:util";
import { UsageError, type Command, type CliIO } from "@mlops/compiler/cli-core";
import { RegistryError, type ModelRegistry } from "../store/model-registry.js";
import { chooseServedDeployment } from "./deployment-choice.js";
import { loadRunnablePlan } from "./load-plan.js";
import { STORE_OPTIONS, STORE_USAGE, openCommandStores } from "./store-options.js";

const usage = `usage: mlops rollout promote|abort|status DEPLOYMENT [FILE|DIR|plan.json] [--env NAME] [--root DIR] [--reason TEXT]

Finishes a canary rollout. The deploy step of a deployment with
\`rollout = canary {...}\` points the alias canary at the new version and leaves
production where it is (a server started with \`mlops serve --alias canary\`
serves it; on Kubernetes the canary Deployment does).

  promote   production := the canary version; the canary alias is removed
  abort     the canary alias is removed; production stays where it is
  status    the versions production and canary point at

Servers following production switch on their next poll. Every move is in the
registry's audit trail (\`mlops models show MODEL\`).

${STORE_USAGE}`;

export const rolloutCommand: Command = {
  name: "rollout",
  summary: "promote or abort a deployment's canary",
  usage,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { env: { type: "string" }, root: { type: "string" }, reason: { type: "string" }, ...STORE_OPTIONS },
    });
    const [action, name, input] = positionals;
    if (action !== "promote" && action !== "abort" && action !== "status") throw new UsageError("expected promote, abort or status");
    if (!name) throw new UsageError(`rollout ${action} needs a DEPLOYMENT`);
    const loaded = await loadRunnablePlan(input ?? ".", values.env, values.root, io);
    if (!loaded) return 1;
    const deployment = chooseServedDeployment(loaded.plan, name);
    const stores = await openCommandStores(values, io, loaded.projectRoot, { existing: true });
    if (!stores) return 1;
    try {
      const rollout = { registry: stores.metadata.registry, deployment: deployment.name, model: deployment.model, io };
      const reason = values.reason ?? `rollout ${action} ${deployment.name}`;
      if (action === "status") return await status(rollout);
      return action === "promote" ? await promote(rollout, reason) : await abort(rollout, reason);
    } catch (error) {
      if (error instanceof RegistryError) {
        io.stderr(`mlops rollout: ${error.message}\n`);
        return 1;
      }
      throw error;
    } finally {
      await stores.close();
    }
  },
};

interface Rollout {
  registry: ModelRegistry;
  deployment: string;
  model: string;
  io: CliIO;
}

function noCanary({ io, deployment, model }: Rollout, action: string): number {
  io.stderr(`mlops rollout: ${deployment} has no canary to ${action} (model ${model} has no canary alias)\n`);
  return 1;
}

async function promote(rollout: Rollout, reason: string): Promise<number> {
  const { registry, model, deployment, io } = rollout;
  const canary = await registry.getAlias(model, "canary");
  if (!canary) return noCanary(rollout, "promote");
  const change = await registry.promote(model, canary.version, "production", { reason });
  await registry.removeAlias(model, "canary", { reason });
  io.stdout(
    `${deployment}: production is now ${model} v${canary.version}${change.previousVersion !== null && change.previousVersion !== canary.version ? ` (was v${change.previousVersion})` : ""}; the canary alias is removed\n`,
  );
  return 0;
}

async function abort(rollout: Rollout, reason: string): Promise<number> {
  const { registry, model, deployment, io } = rollout;
  if (!(await registry.getAlias(model, "canary"))) return noCanary(rollout, "abort");
  const removed = await registry.removeAlias(model, "canary", { reason });
  const production = await registry.getAlias(model, "production");
  io.stdout(`${deployment}: canary v${removed.version} dropped; production stays ${production ? `v${production.version}` : "unset"}\n`);
  return 0;
}

async function status({ registry, model, deployment, io }: Rollout): Promise<number> {
  const production = await registry.getAlias(model, "production");
  const canary = await registry.getAlias(model, "canary");
  io.stdout(
    `${deployment} (model ${model}): production ${production ? `v${production.version}` : "unset"}, canary ${canary ? `v${canary.version}` : "none"}\n`,
  );
  return 0;
}
