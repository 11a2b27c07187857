/**
 * A policy's cooldown against the monitor's schedule: a cooldown shorter than the interval between
 * checks never holds a policy back (each check is already that far apart), so it is reported.
 * Only literal durations and `every(...)` schedules are compared; `params.x` and cron are left alone.
 */
import type { ProgramFile } from "../program/source-files.js";
import type { Expr } from "../syntax/ast.js";
import type { DeclContext } from "./context.js";
import type { MergedDecl } from "./merge.js";
import { unwrapParens } from "./merge.js";
import { normalizeQuantity } from "./units.js";
import { numberLiteral } from "./values.js";

/** The interval of an `every(...)` schedule (ms), when written as a literal. */
export function scheduleInterval(merged: MergedDecl): number | undefined {
  const e = merged.fields.get("schedule")?.value.expr;
  const call = e ? unwrapParens(e) : undefined;
  if (call?.kind !== "Call" || call.callee.kind !== "Name" || call.callee.name.name !== "every" || !call.args[0]) return undefined;
  return literalDuration(call.args[0].value);
}

export function literalDuration(expr: Expr): number | undefined {
  const n = numberLiteral(expr);
  return n?.unit === undefined ? undefined : normalizeQuantity("duration", n.value, n.unit);
}

export function checkCooldown(ctx: DeclContext, file: ProgramFile, cooldown: Expr, intervalMs: number | undefined): void {
  const ms = literalDuration(cooldown);
  if (intervalMs === undefined || ms === undefined || ms === 0 || ms >= intervalMs) return;
  ctx.report(
    file,
    "ignored-setting",
    cooldown.span,
    `cooldown ${shortDuration(ms)} is shorter than the schedule's interval (every ${shortDuration(intervalMs)}): checks are already that far apart, so it never holds a policy back`,
    [`use a cooldown of at least ${shortDuration(intervalMs)}, or drop it`],
  );
}

const UNITS: Array<[number, string]> = [
  [604_800_000, "w"],
  [86_400_000, "d"],
  [3_600_000, "h"],
  [60_000, "m"],
  [1000, "s"],
];

function shortDuration(ms: number): string {
  for (const [size, name] of UNITS) if (ms >= size && ms % size === 0) return `${ms / size}${name}`;
  return `${ms}ms`;
}
