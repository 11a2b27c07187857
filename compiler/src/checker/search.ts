/**
 * `model`: candidate trainers and the `search` that picks one. A built-in trainer's field may take
 * a list of values (`l2 = [0.001, 0.01]`) and `trainer` may be a list of trainers; the candidates
 * are their product. Reports empty lists, grids too large to run (or to be worth running), a
 * search with nothing to choose, a missing `search`, its metric against the task, and candidates
 * that would train the same model.
 */
import type { Task } from "../plan/types.js";
import type { Expr } from "../syntax/ast.js";
import { METRICS, SEARCH_MAX_CANDIDATES, SEARCH_METRICS, SEARCH_WARN_TRAININGS } from "./catalog.js";
import { closestMatch } from "./edit-distance.js";
import type { ModelInfo } from "./infos.js";
import type { MergedDecl, MergedEntry, MergedValue } from "./merge.js";
import { unwrapParens, valueOf } from "./merge.js";
import { renameFix } from "./resolve.js";
import type { FieldSpec, Slot } from "./schema.js";
import { BLOCK_FIELDS, SEARCHABLE_TRAINERS, TRAINERS, fieldSpec } from "./schema.js";
import { checkValue, numberLiteral } from "./values.js";
import type { ValueChecker } from "./values.js";

const TRAINER_SLOT = BLOCK_FIELDS.model.find((f) => f.name === "trainer")!.slot;

/** The trainers a model's `trainer` field names: one constructor, or each element of a list. */
export function trainerValues(merged: MergedDecl): MergedValue[] {
  const value = merged.fields.get("trainer")?.value;
  if (!value) return [];
  if (value.expr.kind !== "List") return [value];
  return value.expr.elements.map((el) => valueOf(el, value.owner));
}

/** A field of a built-in trainer written with a list of values. */
export interface ListedField {
  name: string;
  entry: MergedEntry;
  list: Expr & { kind: "List" };
  /** Each element's value (normalised like the field's slot), undefined when not a number literal. */
  values: Array<number | undefined>;
}

/** The fields of a built-in trainer constructor given a list of values, in the order written. */
export function listedFields(value: MergedValue): ListedField[] {
  const name = value.constructorName;
  if (!name || !SEARCHABLE_TRAINERS.includes(name)) return [];
  const out: ListedField[] = [];
  for (const [field, entry] of value.fields ?? []) {
    const spec = fieldSpec(TRAINERS[name]!.fields, field);
    const list = unwrapParens(entry.value.expr);
    if (!spec || list.kind !== "List" || spec.slot.kind === "list") continue;
    out.push({ name: field, entry, list, values: list.elements.map((el) => literalNumber(el, spec.slot)) });
  }
  return out;
}

function literalNumber(expr: Expr, slot: Slot): number | undefined {
  const lit = numberLiteral(expr);
  if (!lit) return undefined;
  if (lit.unit === undefined) return lit.value;
  return lit.unit === "%" && slot.kind === "number" ? lit.value / 100 : undefined;
}

/** How many candidates a trainer constructor makes (the product of its lists' lengths). */
export function candidateCount(value: MergedValue): number {
  return listedFields(value).reduce((n, f) => n * Math.max(f.values.length, 1), 1);
}

/**
 * Checks the `trainer` field (its values, lists of values, lists of trainers) and the `search`
 * field; returns the trainer constructors for the per-trainer checks (task fit, pretrained).
 */
export function checkCandidates(vc: ValueChecker, merged: MergedDecl, info: ModelInfo): MergedValue[] {
  const field = merged.fields.get("trainer");
  if (!field) return [];
  const inList = field.value.expr.kind === "List";
  if (inList && (field.value.expr as Expr & { kind: "List" }).elements.length === 0) {
    vc.ctx.report(field.value.owner.file, "out-of-range", field.value.expr.span, "`trainer = []` names no trainer", [
      "write one trainer, or a list of the trainers to compare",
    ]);
  }
  const trainers = trainerValues(merged);
  for (const trainer of trainers) checkTrainerValue(vc, trainer, inList);
  const total = trainers.reduce((n, t) => n + candidateCount(t), 0);
  if (total > SEARCH_MAX_CANDIDATES) {
    vc.ctx.report(
      field.value.owner.file,
      "out-of-range",
      field.value.expr.span,
      `these lists make ${total.toLocaleString("en-US")} candidates; a search may have at most ${SEARCH_MAX_CANDIDATES.toLocaleString("en-US")}`,
      ["give fewer values to each hyperparameter"],
    );
  }
  checkSearchField(vc, merged, info, total);
  if (total > 1 && total <= SEARCH_MAX_CANDIDATES) checkDistinct(vc, trainers, info);
  return trainers;
}

function checkTrainerValue(vc: ValueChecker, value: MergedValue, inList: boolean): void {
  const ctx = vc.ctx;
  const name = value.constructorName;
  if (inList && name && name in TRAINERS && !SEARCHABLE_TRAINERS.includes(name) && value.expr.kind === "Constructor") {
    ctx.report(
      value.owner.file,
      "type-mismatch",
      value.expr.name.span,
      `\`${name}\` cannot be a search candidate: a search trains and validates its candidates itself`,
      [`candidates are built-in trainers: ${SEARCHABLE_TRAINERS.join(", ")}`],
    );
  }
  const listed = listedFields(value);
  if (listed.length === 0) {
    checkValue(vc, value, TRAINER_SLOT, "trainer");
    return;
  }
  const rest = new Map(value.fields);
  for (const f of listed) rest.delete(f.name);
  checkValue(vc, { ...value, fields: rest }, TRAINER_SLOT, "trainer");
  for (const f of listed) checkListedField(vc, name!, f);
}

function checkListedField(vc: ValueChecker, trainer: string, f: ListedField): void {
  const ctx = vc.ctx;
  const spec = fieldSpec(TRAINERS[trainer]!.fields, f.name)!;
  const file = f.entry.value.owner.file;
  const what = `${trainer}.${f.name}`;
  ctx.annotate(
    file,
    f.entry.key.span,
    "field",
    f.name,
    `${what}: a list of ${spec.slot.kind === "int" ? "ints" : "numbers"} to search`,
    spec.doc,
  );
  if (f.list.elements.length === 0) {
    ctx.report(file, "out-of-range", f.list.span, `\`${f.name} = []\` lists no value to search`, [
      `give at least one value (the default is ${spec.default ?? "used when the field is absent"})`,
    ]);
  }
  const types = f.list.elements.map((el) => checkValue(vc, { expr: el, owner: f.entry.value.owner }, spec.slot, what));
  ctx.setType(f.list, { kind: "list", element: types.find((t) => t.kind !== "unknown") ?? { kind: "unknown" } });
}

function checkSearchField(vc: ValueChecker, merged: MergedDecl, info: ModelInfo, total: number): void {
  const ctx = vc.ctx;
  const search = merged.fields.get("search");
  const symbol = merged.symbol;
  if (!search) {
    if (total > 1 && !symbol.isTemplate) {
      const metric = defaultMetric(info.task);
      ctx.report(
        symbol.file,
        "missing-field",
        symbol.node.name.span,
        `model \`${symbol.name}\` declares ${total} candidate trainers but no \`search\` to pick one`,
        [`e.g. \`search = { metric = ${metric}, folds = 5 }\`: the candidate with the best ${metric} over 5 folds of the training split`],
        [addSearchFix(merged, metric)],
      );
    }
    return;
  }
  const fields = search.value.fields;
  const file = search.value.owner.file;
  const metric = fields?.get("metric")?.value;
  const metricExpr = metric ? unwrapParens(metric.expr) : undefined;
  const metricInfo = metricExpr?.kind === "Name" ? METRICS[metricExpr.name.name] : undefined;
  if (metricExpr?.kind === "Name" && metricInfo && info.task && !metricInfo.tasks.includes(info.task)) {
    const valid = Object.keys(SEARCH_METRICS).filter((m) => METRICS[m]!.tasks.includes(info.task!));
    const guess = closestMatch(metricExpr.name.name, valid);
    ctx.report(
      metric!.owner.file,
      "metric-not-for-task",
      metricExpr.span,
      `\`${metricExpr.name.name}\` is not a metric of ${info.task}: the search cannot compare candidates on it`,
      [...(guess ? [`did you mean \`${guess}\`?`] : []), `search metrics for ${info.task}: ${valid.join(", ")}`],
      guess ? [renameFix(metric!.owner.file, metricExpr.name, guess)] : [],
    );
  }
  const folds = fields?.get("folds");
  const validation = fields?.get("validation");
  if (folds && validation) {
    ctx.report(
      validation.value.owner.file,
      "type-mismatch",
      validation.key.span,
      "search takes `folds` or `validation`, not both: cross-validation or one validation share",
    );
  }
  if (symbol.isTemplate) return;
  if (total === 1) {
    ctx.report(file, "search-size", search.key.span, "this search has one candidate: there is nothing to choose", [
      "give a hyperparameter a list of values (`l2 = [0.001, 0.01]`) or `trainer` a list of trainers",
    ]);
    return;
  }
  const foldCount = validation ? 1 : folds ? numberLiteral(folds.value.expr)?.value : 5;
  const trainings = total * (foldCount ?? 5);
  if (total <= SEARCH_MAX_CANDIDATES && trainings > SEARCH_WARN_TRAININGS) {
    const trainer = merged.fields.get("trainer")!;
    ctx.report(
      trainer.value.owner.file,
      "search-size",
      trainer.value.expr.span,
      `${total} candidates${validation ? "" : ` × ${foldCount} folds`} = ${trainings} trainings before the refit: a search this size is slow`,
      [validation ? "give fewer values to each hyperparameter" : "use `validation = 20%` instead of folds, or give fewer values"],
    );
  }
}

function defaultMetric(task: Task | undefined): string {
  if (task === "regression") return "rmse";
  if (task === "multiclass_classification") return "accuracy";
  return "auc";
}

function addSearchFix(merged: MergedDecl, metric: string) {
  const symbol = merged.symbol;
  const file = symbol.file;
  const close = symbol.node.bodySpan.end - 1;
  const lineStart = file.text.lastIndexOf("\n", close - 1) + 1;
  const onOwnLine = file.text.slice(lineStart, close).trim() === "";
  const at = onOwnLine ? lineStart : close;
  const field = `search = { metric = ${metric}, folds = 5 }`;
  return {
    title: "Add `search`",
    edits: [{ file: file.path, range: file.lineMap.range({ start: at, end: at }), newText: onOwnLine ? `  ${field}\n` : ` ${field} ` }],
  };
}

// ---------------------------------------------------------------- candidates that cannot differ

/** The L-BFGS / closed-form solvers ignore some fields; candidates differing only there train the same model. */
function fieldsThatMatter(trainer: string, batched: boolean | undefined, width: number | null): string[] | undefined {
  if (trainer === "linear_regression") return width !== null && width <= 2000 ? ["l2"] : ["epochs", "l2", "tolerance"];
  if (batched === false) return ["epochs", "l2", "tolerance"];
  return undefined; // mini-batch, or unknown: everything may matter
}

function solverNote(trainer: string, width: number | null): string {
  if (trainer === "linear_regression")
    return width !== null && width <= 2000
      ? "linear_regression is solved in closed form: only `l2` changes the fit"
      : "linear_regression with this many inputs uses L-BFGS: `learning_rate` and `batch_size` do not change the fit";
  return `${trainer} without \`batch_size\` uses L-BFGS: \`learning_rate\` does not change the fit`;
}

function checkDistinct(vc: ValueChecker, trainers: MergedValue[], info: ModelInfo): void {
  const seen = new Map<string, number>();
  trainers.forEach((trainer, index) => {
    const name = trainer.constructorName;
    if (!name || !SEARCHABLE_TRAINERS.includes(name)) return;
    const listed = listedFields(trainer);
    const batch = trainer.fields?.get("batch_size");
    const batched = listed.some((f) => f.name === "batch_size") ? undefined : batch ? batchedValue(batch) : false;
    const matter = fieldsThatMatter(name, batched, info.inputWidth);
    let repeated = false;
    for (const f of listed) {
      const file = f.entry.value.owner.file;
      const firstAt = new Map<number, number>();
      f.values.forEach((v, i) => {
        if (v === undefined) return;
        if (firstAt.has(v)) {
          repeated = true;
          vc.ctx.report(
            file,
            "indistinct-candidates",
            f.list.elements[i]!.span,
            `\`${f.name}\` lists ${v} twice: two candidates train the same model`,
          );
        } else firstAt.set(v, i);
      });
      if (matter && !matter.includes(f.name) && firstAt.size > 1) {
        repeated = true;
        vc.ctx.report(
          file,
          "indistinct-candidates",
          f.list.span,
          `\`${f.name}\` makes ${f.values.length} candidates that train the same model: ${solverNote(name, info.inputWidth)}`,
          name === "linear_regression" ? ["search `l2` instead"] : ["set `batch_size` to train by mini-batch, or search `l2` instead"],
        );
      }
    }
    if (repeated) return;
    for (const key of effectiveKeys(trainer, listed, matter)) {
      const earlier = seen.get(key);
      if (earlier !== undefined && earlier !== index && trainer.expr.kind === "Constructor") {
        vc.ctx.report(
          trainer.owner.file,
          "indistinct-candidates",
          trainer.expr.name.span,
          `this \`${name}\` repeats a candidate of trainer ${earlier + 1} in the list: both train the same model`,
        );
        return;
      }
      seen.set(key, index);
    }
  });
}

function batchedValue(entry: MergedEntry): boolean | undefined {
  const lit = numberLiteral(entry.value.expr);
  return lit ? lit.value > 0 : undefined;
}

/** What an absent field means (the semantic model fills in the same values). */
export const TRAINER_DEFAULTS: Record<string, number> = { epochs: 100, learning_rate: 0.1, l2: 0, batch_size: 0, tolerance: 0.000001 };

/** One key per candidate of a trainer: its name and the values of the fields that matter (defaults filled in). */
function effectiveKeys(trainer: MergedValue, listed: ListedField[], matter: string[] | undefined): string[] {
  const name = trainer.constructorName!;
  const specs: FieldSpec[] = TRAINERS[name]!.fields;
  const fixed: Record<string, string> = {};
  for (const spec of specs) {
    if (matter && !matter.includes(spec.name)) continue;
    if (listed.some((f) => f.name === spec.name)) continue;
    const entry = trainer.fields?.get(spec.name);
    const lit = entry ? literalNumber(entry.value.expr, spec.slot) : undefined;
    fixed[spec.name] = entry
      ? lit === undefined
        ? `expr@${entry.value.expr.span.start}`
        : String(lit)
      : String(TRAINER_DEFAULTS[spec.name]);
  }
  let keys: Array<Record<string, string>> = [fixed];
  for (const f of listed) {
    if (matter && !matter.includes(f.name)) continue;
    keys = keys.flatMap((k) =>
      f.values.map((v, i) => ({ ...k, [f.name]: v === undefined ? `expr@${f.list.elements[i]!.span.start}` : String(v) })),
    );
  }
  return keys.map(
    (k) =>
      `${name}|${Object.keys(k)
        .sort()
        .map((field) => `${field}=${k[field]}`)
        .join(",")}`,
  );
}
