/**
 * Every action a monitor's policy takes goes into the model registry's audit trail — beside the
 * registrations, promotions and rollbacks it may cause — so `mlops models show` and the UI's model
 * page tell the whole story: which monitor, which policy, from which check, and what came of it
 * (the alert's delivery, the retrain's run, where production moved). Recorded when the action
 * finished (or was refused), before its state is saved as done: a crash in between repeats the
 * entry, it never loses it.
 */
import type { ModelRegistry } from "../store/model-registry.js";

export interface ActionRecord {
  monitor: string;
  /** The policy's condition, as written. */
  policy: string;
  /** `alert(oncall)`, `retrain(m)`, `rollback(d)`. */
  action: string;
  model: string;
  /** The production version the check watched. */
  version: number;
  /** The check that fired the action, and its report. */
  monitorRun: string;
  report: string;
  firedAt: string;
  outcome: string;
  /** The run a retrain started. */
  run?: string;
  /** The later check that finished an action its check left pending. */
  finishedBy?: string;
}

export function auditAction(registry: ModelRegistry, record: ActionRecord): Promise<void> {
  const { model, version, ...details } = record;
  return registry.recordAudit({
    action: "monitor",
    model,
    version,
    reason: `${record.monitor}: ${record.policy} => ${record.action} → ${record.outcome}`,
    details,
  });
}
