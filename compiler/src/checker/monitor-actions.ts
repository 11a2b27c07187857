/**
 * A monitor policy's action: `retrain(model)`, `rollback(deployment)` or `alert(notifier)`, each
 * with an optional `cooldown = DURATION` after which the policy may fire again.
 */
import type { ProgramFile } from "../program/source-files.js";
import type { Expr } from "../syntax/ast.js";
import { MONITOR_ACTIONS } from "./catalog.js";
import type { DeclContext } from "./context.js";
import { unwrapParens } from "./merge.js";
import { declaredNames, lookupBlock, renameFix, suggestion } from "./resolve.js";
import type { Slot } from "./schema.js";
import type { BlockSymbol } from "./symbols.js";
import type { ValueChecker } from "./values.js";
import { checkValue } from "./values.js";

const ACTION_FORMS = "retrain(model), rollback(deployment) or alert(notifier)";
export const COOLDOWN_SLOT: Slot & { kind: "quantity" } = { kind: "quantity", unit: "duration", min: 0 };
const TARGET_KIND = { retrain: "model", rollback: "deploy", alert: "notifier" } as const;

export function checkAction(vc: ValueChecker, owner: BlockSymbol, action: Expr): void {
  const ctx = vc.ctx;
  const file = owner.file;
  const e = unwrapParens(action);
  if (e.kind === "Error") return;
  if (e.kind !== "Call" || e.callee.kind !== "Name") {
    ctx.report(file, "type-mismatch", e.span, `an action is ${ACTION_FORMS}`);
    return;
  }
  const name = e.callee.name.name;
  const doc = MONITOR_ACTIONS[name];
  if (!doc || !(name in TARGET_KIND)) {
    const { hints, fixes } = suggestion(file, e.callee.name, Object.keys(MONITOR_ACTIONS));
    ctx.report(file, "unknown-reference", e.callee.span, `\`${name}\` is not an action: ${ACTION_FORMS}`, hints, fixes);
    return;
  }
  const kind = name as keyof typeof TARGET_KIND;
  const signature = doc.split(":")[0]!;
  ctx.annotate(file, e.callee.span, "action", name, signature, doc);
  const positional = e.args.filter((a) => !a.name);
  for (const arg of e.args) {
    if (!arg.name) continue;
    if (arg.name.name === "cooldown") checkValue(vc, { expr: unwrapParens(arg.value), owner }, COOLDOWN_SLOT, "cooldown");
    else {
      const { hints, fixes } = suggestion(file, arg.name, ["cooldown"]);
      ctx.report(
        file,
        "unknown-field",
        arg.name.span,
        `${name}(...) has no argument \`${arg.name.name}\` (only \`cooldown\`)`,
        hints,
        fixes,
      );
    }
  }
  const arg = positional[0] ? unwrapParens(positional[0].value) : undefined;
  if (positional.length !== 1 || !arg) {
    ctx.report(file, "type-mismatch", e.span, `${signature} takes one ${describeTarget(kind)}`);
    return;
  }
  if (kind === "alert" && arg.kind === "String") {
    reportChannelString(ctx, file, arg);
    return;
  }
  if (arg.kind !== "Name") {
    ctx.report(file, "type-mismatch", arg.span, `${name}(...) takes a ${describeTarget(kind)} name`);
    return;
  }
  const symbol = lookupBlock(ctx, file, arg.name, TARGET_KIND[kind], `what ${name} acts on`);
  if (symbol) ctx.setType(arg, { kind: "decl", declKind: symbol.declKind, name: symbol.name });
}

/** The `cooldown = DURATION` argument of an action, as written. */
export function actionCooldown(action: Expr): Expr | undefined {
  const e = unwrapParens(action);
  if (e.kind !== "Call") return undefined;
  const arg = e.args.find((a) => a.name?.name === "cooldown");
  return arg ? unwrapParens(arg.value) : undefined;
}

function describeTarget(kind: keyof typeof TARGET_KIND): string {
  return kind === "retrain" ? "model" : kind === "rollback" ? "deployment" : "notifier";
}

/**
 * `alert("ml-oncall")`, the old free-string form: a warning (programs written before notifiers still
 * compile; the alert is reported in the monitor's result and posted nowhere) that says what to
 * declare, with a fix to the notifier it meant when there is one.
 */
function reportChannelString(ctx: DeclContext, file: ProgramFile, arg: Expr & { kind: "String" }): void {
  const identifier = arg.value.replace(/[^A-Za-z0-9_]/g, "_").replace(/^(?=\d)/, "_");
  const notifiers = declaredNames(ctx, ["notifier"]);
  const meant = notifiers.includes(identifier) ? identifier : notifiers.length === 1 ? notifiers[0] : undefined;
  const hints = meant
    ? [`write \`alert(${meant})\``]
    : [
        `declare \`notifier ${identifier || "ml_oncall"} { webhook = secret("NAME", "KEY"), format = json }\` and write \`alert(${identifier || "ml_oncall"})\``,
      ];
  ctx.report(
    file,
    "ignored-setting",
    arg.span,
    `alert("${arg.value}") posts nowhere: an alert names a notifier declaration, not a channel string`,
    hints,
    meant ? [renameFix(file, arg, meant)] : [],
  );
}
