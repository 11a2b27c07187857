/**
 * Settings that type-check but change nothing where they are written. The language says so
 * (an `ignored-setting` warning at the setting) instead of letting a user tune a knob that is
 * not connected. Each rule follows what the runtime does: `plan/solvers.ts` says which settings
 * each solver reads, the renderers let an autoscaler own the replica count.
 */
import type { DeclContext } from "./context.js";
import type { MergedEntry, MergedValue } from "./merge.js";
import { CLOSED_FORM_MAX_INPUTS, fieldsUnusedBySolver } from "../plan/solvers.js";

export function checkIgnoredTrainerSettings(ctx: DeclContext, trainer: MergedValue, inputWidth: number | null): void {
  const fields = trainer.fields;
  if (!fields) return;
  const present = (name: string): MergedEntry | undefined => fields.get(name);
  if (trainer.constructorName === "linear_regression") {
    const closedForm = inputWidth !== null && inputWidth <= CLOSED_FORM_MAX_INPUTS;
    for (const name of fieldsUnusedBySolver(closedForm ? "closed_form" : "lbfgs")) {
      const entry = present(name);
      if (!entry) continue;
      const why = closedForm
        ? "`linear_regression` is solved exactly (normal equations), without iterations"
        : "`linear_regression` is fitted over the whole split by L-BFGS";
      warn(ctx, entry, `\`${name}\` has no effect: ${why}`, ["`l2` is the setting that changes this fit"]);
    }
    return;
  }
  if (trainer.constructorName === "logistic_regression" || trainer.constructorName === "softmax_regression") {
    const rate = present("learning_rate");
    if (rate && !present("batch_size")) {
      warn(ctx, rate, "`learning_rate` has no effect without `batch_size`: the whole split is fitted by L-BFGS, which needs no step size", [
        "set `batch_size` for mini-batch gradient descent, or remove `learning_rate`",
      ]);
    }
  }
}

/** `replicas` beside `autoscale`: the autoscaler sets the count between its min and max. */
export function checkIgnoredReplicas(ctx: DeclContext, target: MergedValue): void {
  const replicas = target.fields?.get("replicas");
  if (!replicas || !target.fields?.get("autoscale")) return;
  warn(
    ctx,
    replicas,
    "`replicas` has no effect under `autoscale`: the autoscaler keeps the count between `autoscale.min` and `autoscale.max`",
    ["remove `replicas`, or remove `autoscale` for a fixed count"],
  );
}

function warn(ctx: DeclContext, entry: MergedEntry, message: string, hints: string[]): void {
  ctx.report(entry.value.owner.file, "ignored-setting", entry.key.span, message, hints);
}
