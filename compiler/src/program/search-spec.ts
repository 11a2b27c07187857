/** A model's candidate trainers and `search`, resolved for the plan (`SearchSpec`). */
import { METRICS, SEARCH_MAX_CANDIDATES } from "../checker/catalog.js";
import type { MergedDecl, MergedValue } from "../checker/merge.js";
import { SEARCHABLE_TRAINERS } from "../checker/schema.js";
import { TRAINER_DEFAULTS, candidateCount, listedFields, trainerValues } from "../checker/search.js";
import type { BuiltinTrainerSpec, SearchCandidate, SearchSpec } from "../plan/types.js";
import type { Expr } from "../syntax/ast.js";

/** A constant's normalised value (the semantic model's evaluator). */
type Evaluate = (expr: Expr) => unknown;

/** The built-in trainer spec for a constructor name and its field values (defaults for the rest). */
export function builtinTrainerSpec(kind: string, values: Record<string, unknown>): BuiltinTrainerSpec {
  const num = (field: string): number => {
    const v = values[field];
    return typeof v === "number" ? v : TRAINER_DEFAULTS[field]!;
  };
  return {
    kind: kind as BuiltinTrainerSpec["kind"],
    epochs: num("epochs"),
    learningRate: num("learning_rate"),
    l2: num("l2"),
    batchSize: num("batch_size"),
    tolerance: num("tolerance"),
  };
}

/**
 * The search of a model that declares one (`search = { ... }`), with every candidate in
 * declaration order; undefined without a `search` field or without a built-in candidate.
 */
export function resolveSearch(merged: MergedDecl, evaluate: Evaluate): SearchSpec | undefined {
  const field = merged.fields.get("search")?.value;
  if (!field?.fields) return undefined;
  const trainers = trainerValues(merged);
  if (trainers.reduce((n, t) => n + candidateCount(t), 0) > SEARCH_MAX_CANDIDATES) return undefined;
  const candidates = trainers.flatMap((t) => candidatesOf(t, evaluate));
  if (candidates.length === 0) return undefined;
  const metric = evaluate(field.fields.get("metric")?.value.expr as Expr);
  const info = typeof metric === "string" ? METRICS[metric] : undefined;
  if (!info) return undefined;
  const share = field.fields.get("validation");
  const folds = field.fields.get("folds");
  const shareValue = share ? evaluate(share.value.expr) : undefined;
  const foldsValue = folds ? evaluate(folds.value.expr) : undefined;
  return {
    metric: metric as string,
    better: info.better,
    validation:
      typeof shareValue === "number"
        ? { kind: "holdout", share: shareValue }
        : { kind: "folds", folds: typeof foldsValue === "number" ? foldsValue : 5 },
    candidates,
  };
}

function candidatesOf(trainer: MergedValue, evaluate: Evaluate): SearchCandidate[] {
  const kind = trainer.constructorName;
  if (!kind || !SEARCHABLE_TRAINERS.includes(kind)) return [];
  const listed = listedFields(trainer);
  const fixed: Record<string, unknown> = {};
  for (const [name, entry] of trainer.fields ?? []) {
    if (!listed.some((f) => f.name === name)) fixed[name] = evaluate(entry.value.expr);
  }
  let combos: Array<Record<string, number>> = [{}];
  for (const f of listed) {
    const values = f.list.elements.map((el) => evaluate(el)).filter((v): v is number => typeof v === "number");
    combos = combos.flatMap((combo) => values.map((v) => ({ ...combo, [f.name]: v })));
  }
  return combos.map((varied) => ({ trainer: builtinTrainerSpec(kind, { ...fixed, ...varied }), varied }));
}
