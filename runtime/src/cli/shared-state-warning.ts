/**
 * Two programs in one folder share its `.mlops/`: one model registry and one run history. We warn
 * rather than key the state by pipeline: sharing the artifact cache is harmless, a team's shared
 * database holds many pipelines by design, and the hazard (a model name registered by two
 * pipelines) shows up exactly when runs of two pipelines alternate in the embedded store.
 */
import { relative } from "node:path";
import type { Plan } from "@mlops/compiler";
import type { Stores } from "../store/open-stores.js";

/** A warning when the last run recorded in the project's embedded store was of another pipeline. */
export async function sharedStateWarning(stores: Stores, plan: Plan, projectRoot: string, cwd: string): Promise<string | undefined> {
  const database = stores.config.database;
  if (database.kind !== "sqlite" || !database.isDefault) return undefined;
  const [last] = await stores.metadata.listRuns({ limit: 1 });
  if (!last?.pipeline || last.pipeline === plan.pipeline.name) return undefined;
  const state = `${relative(cwd, projectRoot) || "."}/.mlops/`;
  return (
    `warning: ${state} also holds pipeline ${last.pipeline} (its last run: ${last.id}); programs in one folder share one model registry and run history. ` +
    "Give each program its own folder (or its own --database and --artifact-store).\n"
  );
}
