/**
 * A monitor's policy, once its condition is known: held back while it cools down, else its action
 * is recorded as pending, carried out, audited (`audit-action.ts`) and recorded as done. An action left pending by a monitor
 * that died mid-way is finished first by the next check (whatever the condition says then), so a
 * crash neither loses nor repeats it: a retrain re-uses the steps that finished, a rollback checks
 * where production is, an alert is re-posted with the same `Idempotency-Key`.
 */
import type { MonitorSpec, Policy } from "@mlops/compiler";
import type { StepContext } from "../executor/step-context.js";
import { deploymentOf } from "../steps/plan-lookup.js";
import { type AlertSummary, alertPayload } from "./alert-payload.js";
import { auditAction } from "./audit-action.js";
import { type PendingAction, type PolicyStates, actionText } from "./policy-state.js";
import { retrainModel } from "./retrain.js";
import { SecretUnavailable, resolveEnvValue } from "./secret-values.js";
import { postWebhook } from "./webhook.js";

export interface PolicyResult {
  policy: string;
  /** The condition held (or an interrupted action was finished). */
  triggered: boolean;
  action: string;
  /** The action was carried out in this check (not held back by its cooldown). */
  acted: boolean;
  outcome?: string;
  /** The run a `retrain` started. */
  run?: string;
  /** The action finished here was left pending by this earlier monitor run. */
  resumedFrom?: string;
}

export interface PolicyCheck {
  ctx: StepContext;
  monitor: MonitorSpec;
  policy: Policy;
  /** The condition: true, false, or null when a signal it reads was not measured. */
  value: boolean | number | null;
  /** The check's summary (the alert payload), without the policy. */
  summary: Omit<AlertSummary, "policy">;
  states: PolicyStates;
  now: Date;
}

interface Acted {
  outcome: string;
  run?: string;
}

export async function applyPolicy(check: PolicyCheck): Promise<PolicyResult> {
  const { policy, monitor, states, now } = check;
  const action = actionText(policy.action);
  const state = await states.load(monitor.name, policy);
  if (state.pending) {
    const pending = state.pending;
    const done = await act(check, pending);
    await audit(check, pending, done, check.ctx.runId);
    await states.save(policy, finished(state, pending, done, now));
    return {
      policy: policy.text,
      triggered: true,
      action,
      acted: true,
      outcome: `finished the action monitor run ${pending.monitorRunId} started: ${done.outcome}`,
      resumedFrom: pending.monitorRunId,
      ...(done.run ? { run: done.run } : {}),
    };
  }
  if (check.value !== true)
    return {
      policy: policy.text,
      triggered: false,
      action,
      acted: false,
      ...(check.value === null ? { outcome: "signal not measured" } : {}),
    };
  const until = state.lastFiredAt ? Date.parse(state.lastFiredAt) + policy.cooldownMs : 0;
  if (policy.cooldownMs > 0 && now.getTime() < until)
    return {
      policy: policy.text,
      triggered: true,
      action,
      acted: false,
      outcome: `held back: cooling down until ${new Date(until).toISOString()} (acted at ${state.lastFiredAt})`,
    };
  const prepared = await prepare(check);
  if ("refused" in prepared) {
    await audit(check, pendingAction(check), { outcome: prepared.refused });
    return { policy: policy.text, triggered: true, action, acted: false, outcome: prepared.refused };
  }
  state.pending = prepared.pending;
  await states.save(policy, state);
  const done = await act(check, prepared.pending);
  await audit(check, prepared.pending, done);
  await states.save(policy, finished(state, prepared.pending, done, now));
  return { policy: policy.text, triggered: true, action, acted: true, outcome: done.outcome, ...(done.run ? { run: done.run } : {}) };
}

function finished(state: Awaited<ReturnType<PolicyStates["load"]>>, pending: PendingAction, done: Acted, now: Date) {
  const { pending: _, ...rest } = state;
  return { ...rest, lastFiredAt: pending.firedAt, last: { ...pending, finishedAt: now.toISOString(), outcome: done.outcome } };
}

function audit(check: PolicyCheck, pending: PendingAction, done: Acted, finishedBy?: string): Promise<void> {
  return auditAction(check.ctx.metadata.registry, {
    monitor: check.monitor.name,
    policy: check.policy.text,
    action: actionText(pending.action),
    model: check.summary.model,
    version: check.summary.version,
    monitorRun: pending.monitorRunId,
    report: pending.report,
    firedAt: pending.firedAt,
    outcome: done.outcome,
    ...(done.run ? { run: done.run } : {}),
    ...(finishedBy ? { finishedBy } : {}),
  });
}

function pendingAction(check: PolicyCheck): PendingAction {
  return { action: check.policy.action, monitorRunId: check.ctx.runId, report: check.summary.report, firedAt: check.now.toISOString() };
}

/** The pending record of an action about to be taken (a rollback's target is fixed now). */
async function prepare(check: PolicyCheck): Promise<{ pending: PendingAction } | { refused: string }> {
  const { ctx, policy } = check;
  const base = pendingAction(check);
  if (policy.action.kind !== "rollback") return { pending: base };
  const deployment = deploymentOf(ctx.plan, policy.action.deployment);
  try {
    return { pending: { ...base, rollbackTo: await ctx.metadata.registry.rollbackTarget(deployment.model, "production") } };
  } catch (error) {
    return { refused: `rollback not possible: ${(error as Error).message}` };
  }
}

async function act(check: PolicyCheck, pending: PendingAction): Promise<Acted> {
  const { ctx } = check;
  const action = pending.action;
  switch (action.kind) {
    case "retrain": {
      const result = await retrainModel(ctx, action.model);
      return { outcome: result.outcome, run: result.runId };
    }
    case "rollback":
      return { outcome: await rollback(check, action.deployment, pending.rollbackTo) };
    case "alert":
      if (!("notifier" in action)) return { outcome: `alert("${action.channel}") posts nowhere: declare a notifier and write alert(NAME)` };
      return { outcome: await alert(check, action.notifier, pending) };
  }
}

async function rollback(check: PolicyCheck, deploymentName: string, target: number | undefined): Promise<string> {
  const { ctx, monitor, policy } = check;
  const deployment = deploymentOf(ctx.plan, deploymentName);
  const registry = ctx.metadata.registry;
  const production = await registry.getAlias(deployment.model, "production");
  if (target !== undefined && production?.version === target) return `production of ${deployment.model} is at v${target} (rolled back)`;
  try {
    const change = await registry.rollback(deployment.model, "production", {
      reason: `monitor ${monitor.name}: ${policy.text}`,
      ...(target !== undefined ? { expectedTarget: target } : {}),
    });
    return `production of ${deployment.model} rolled back to v${change.version} (was v${change.previousVersion})`;
  } catch (error) {
    return `rollback not possible: ${(error as Error).message}`;
  }
}

async function alert(check: PolicyCheck, name: string, pending: PendingAction): Promise<string> {
  const notifier = check.ctx.plan.notifiers?.[name];
  if (!notifier) return `alert not posted: the plan has no notifier ${name}`;
  let url: string;
  try {
    url = resolveEnvValue(notifier.webhook, check.ctx.env);
  } catch (error) {
    if (error instanceof SecretUnavailable) return `alert to ${name} not posted: ${error.message}`;
    throw error;
  }
  const summary: AlertSummary = { ...check.summary, policy: check.policy.text, runId: pending.monitorRunId, at: pending.firedAt };
  const result = await postWebhook(url, alertPayload(notifier.format, summary), {
    timeoutMs: notifier.timeoutMs,
    retries: notifier.retries,
    idempotencyKey: `${pending.monitorRunId}:${check.monitor.name}:${check.monitor.policies.indexOf(check.policy)}`,
  });
  const tries = `${result.attempts} attempt${result.attempts === 1 ? "" : "s"}`;
  return result.delivered
    ? `alert posted to ${name} (HTTP ${result.status}, ${tries})`
    : `alert to ${name} not delivered after ${tries}: ${result.error}`;
}
