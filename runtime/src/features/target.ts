import { cellValue, getColumn, sourceRowOf, type Dataset } from "../data/dataset.js";
import type { ModelSpec } from "../plan.js";
import { FeatureError } from "./evaluate.js";

/**
 * The model target as numbers: regression → the value; classification → the class index in
 * `target.classes` (binary: 0 = negative, 1 = positive; a bool target without classes is false/true;
 * an enum target without classes uses its declared order). A null or unknown label is an error naming the row.
 */
export function encodeTarget(model: Pick<ModelSpec, "task" | "target">, dataset: Dataset): Float32Array {
  const { column: name, type } = model.target;
  const column = getColumn(dataset, name);
  const out = new Float32Array(dataset.rowCount);
  const classes =
    model.task === "regression"
      ? null
      : (model.target.classes ?? (type.kind === "enum" ? type.values : type.kind === "bool" ? ["false", "true"] : null));
  if (model.task !== "regression" && !classes) throw new FeatureError(`target ${name}: a ${type.kind} target needs class labels`, name);
  const index = new Map((classes ?? []).map((c, k) => [c, k]));
  for (let i = 0; i < dataset.rowCount; i++) {
    const value = cellValue(column, i);
    if (value === null) throw new FeatureError(`target ${name} is null at row ${sourceRowOf(dataset, i)}`, name, sourceRowOf(dataset, i));
    if (classes === null) {
      out[i] = Number(value);
      continue;
    }
    const k = index.get(String(value));
    if (k === undefined) {
      throw new FeatureError(
        `target ${name} at row ${sourceRowOf(dataset, i)} is ${JSON.stringify(value)}, not one of the classes ${classes.join(", ")}`,
        name,
        sourceRowOf(dataset, i),
      );
    }
    out[i] = k;
  }
  return out;
}

/** Class labels in output order (binary: [negative, positive]). */
export function classLabels(model: Pick<ModelSpec, "target">): string[] {
  if (model.target.classes) return model.target.classes;
  const type = model.target.type;
  if (type.kind === "enum") return type.values;
  if (type.kind === "bool") return ["false", "true"];
  return [];
}
