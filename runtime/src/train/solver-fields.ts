/**
 * Which trainer fields a solver reads (`train.ts` picks the solver): the normal equations read
 * only `l2`; L-BFGS over the whole split reads `epochs` (its iteration cap) and `tolerance`;
 * mini-batch descent reads them all. The checker's `ignored-setting` warnings follow the same rule.
 */

/** The fields whose values cannot change a fit made by `solver`. */
export function fieldsUnusedBySolver(solver: string): ReadonlySet<string> {
  if (solver === "closed_form") return new Set(["epochs", "learning_rate", "batch_size", "tolerance"]);
  if (solver === "lbfgs") return new Set(["learning_rate", "batch_size"]);
  return new Set();
}
