/**
 * What a monitor remembers about each policy between checks: when it last acted (its cooldown runs
 * from there) and the action it started and has not finished (stored BEFORE acting, with the
 * monitor run it came from), so a monitor killed mid-action finishes that action on its next run,
 * exactly once, instead of starting another.
 *
 * The state is a JSON artifact in the artifact store, found through the metadata store's key index
 * (the step cache's `key → outputs` table, under `monitor-state:` keys that no step key can take: step
 * keys are hex hashes). Both stores are the configured ones, so monitors on several machines
 * sharing PostgreSQL + S3 share their state. A policy is known by its monitor, text and action: an
 * edited policy starts afresh.
 */
import { createHash } from "node:crypto";
import type { Policy, PolicyAction } from "@mlops/compiler";
import type { ArtifactStore } from "../store/artifact-store.js";
import type { MetadataStore } from "../store/metadata-store.js";

export interface PendingAction {
  action: PolicyAction;
  /** The monitor run that fired it, and its report. */
  monitorRunId: string;
  report: string;
  firedAt: string;
  /** `rollback`: the version production was to move to (a resumed rollback does not move it twice). */
  rollbackTo?: number;
}

export interface PolicyState {
  v: 1;
  monitor: string;
  policy: string;
  /** When the policy last acted; its cooldown runs from here. */
  lastFiredAt?: string;
  pending?: PendingAction;
  /** The last finished action and what came of it. */
  last?: PendingAction & { finishedAt: string; outcome: string };
}

export class PolicyStates {
  constructor(
    private readonly metadata: MetadataStore,
    private readonly artifacts: ArtifactStore,
    private readonly stepId: string,
  ) {}

  async load(monitor: string, policy: Policy): Promise<PolicyState> {
    const entry = await this.metadata.getCacheEntry(stateKey(monitor, policy));
    const hash = entry?.outputs.state;
    if (hash) {
      try {
        const state = JSON.parse(await this.artifacts.getText(hash)) as PolicyState;
        if (state.v === 1) return state;
      } catch {
        // a missing or unreadable state starts afresh: the action history is also in the reports
      }
    }
    return { v: 1, monitor, policy: policy.text };
  }

  async save(policy: Policy, state: PolicyState): Promise<void> {
    const ref = await this.artifacts.putJson(state);
    await this.metadata.putCacheEntry(stateKey(state.monitor, policy), this.stepId, { state: ref.hash });
  }
}

function stateKey(monitor: string, policy: Policy): string {
  const identity = createHash("sha256")
    .update(JSON.stringify([policy.text, policy.action]))
    .digest("hex")
    .slice(0, 16);
  return `monitor-state:${monitor}:${identity}`;
}

export function actionText(action: PolicyAction): string {
  switch (action.kind) {
    case "alert":
      return `alert(${"notifier" in action ? action.notifier : `"${action.channel}"`})`;
    case "retrain":
      return `retrain(${action.model})`;
    case "rollback":
      return `rollback(${action.deployment})`;
  }
}
