/**
 * How the runtime fits the built-in trainers, as far as a plan can tell (`runtime/src/train/train.ts`
 * picks the solver): `linear_regression` by the normal equations up to `CLOSED_FORM_MAX_INPUTS`
 * inputs and by L-BFGS above; logistic and softmax regression by L-BFGS over the whole split, or by
 * mini-batch descent with a `batch_size`. The checker's `ignored-setting` warnings and the run
 * report's hyperparameter table read the same rules.
 */
export const CLOSED_FORM_MAX_INPUTS = 2000;

export type Solver = "closed_form" | "lbfgs" | "minibatch";

/** The trainer fields whose values cannot change a fit made by `solver`. */
export function fieldsUnusedBySolver(solver: string): ReadonlySet<string> {
  if (solver === "closed_form") return new Set(["epochs", "learning_rate", "batch_size", "tolerance"]);
  if (solver === "lbfgs") return new Set(["learning_rate", "batch_size"]);
  return new Set();
}
