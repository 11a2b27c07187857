/** `model`: features as numeric input, target vs task, split, trainer, pretrained ONNX signature. */
import type { Fix } from "../diagnostics/diagnostic.js";
import { checkIgnoredTrainerSettings } from "./ignored-settings.js";
import { resolveRelative } from "../host/paths.js";
import type { InputSlot, OnnxSignature, Task } from "../plan/types.js";
import type { ProgramFile } from "../program/source-files.js";
import type { Expr } from "../syntax/ast.js";
import { columnSymbol, featureSymbol, sourceColumns } from "./features.js";
import type { FeatureInfo, FeatureSetInfo, ModelInfo } from "./infos.js";
import type { MergedDecl, MergedValue } from "./merge.js";
import { unwrapParens } from "./merge.js";
import { tensorToString, readOnnxSignature } from "./onnx-signature.js";
import { lookupBlock, suggestion } from "./resolve.js";
import { TRAINER_TASKS } from "./schema.js";
import { checkCandidates } from "./search.js";
import type { BlockSymbol } from "./symbols.js";
import type { Type } from "./types.js";
import { isNullable, isNumeric, typeToString } from "./types.js";
import type { ValueChecker } from "./values.js";

export function checkModel(vc: ValueChecker, merged: MergedDecl): ModelInfo {
  const info: ModelInfo = { kind: "model", name: merged.symbol.name, inputs: [], layout: [], inputWidth: 0 };
  const task = wordOf(merged, "task");
  if (task === "binary_classification" || task === "multiclass_classification" || task === "regression") info.task = task;
  const features = merged.fields.get("features");
  if (features) resolveFeatures(vc, features.value, info);
  const target = merged.fields.get("target");
  if (target) resolveTarget(vc, target.value, info);
  computeLayout(info);
  if (!merged.symbol.isTemplate) checkInputs(vc, merged, info);
  checkTargetAgainstTask(vc, merged, info);
  checkSplit(vc, merged, info);
  checkTrainer(vc, merged, info);
  return info;
}

export function wordOf(merged: MergedDecl, field: string): string | undefined {
  const v = merged.fields.get(field)?.value.expr;
  return v?.kind === "Name" ? v.name.name : undefined;
}

function featureSetInfo(vc: ValueChecker, set: BlockSymbol): FeatureSetInfo | undefined {
  const result = vc.ctx.checker.result(set);
  vc.ctx.use(result, `decl:${set.name}`);
  return result.info.kind === "features" ? result.info : undefined;
}

function addSource(vc: ValueChecker, file: ProgramFile, at: Expr, info: ModelInfo, source: string | undefined): void {
  if (!source) return;
  if (info.source === undefined) info.source = source;
  else if (info.source !== source) {
    vc.ctx.report(
      file,
      "type-mismatch",
      at.span,
      `all features of a model come from one source: this reads \`${source}\`, the others read \`${info.source}\``,
    );
  }
}

function resolveFeatures(vc: ValueChecker, value: MergedValue, info: ModelInfo): void {
  const ctx = vc.ctx;
  const file = value.owner.file;
  const expr = value.expr;
  if (expr.kind === "Error") return;
  if (expr.kind === "Name") {
    const set = lookupBlock(ctx, file, expr.name, ["features"], "the model's features");
    if (!set) return;
    const fs = featureSetInfo(vc, set);
    if (!fs) return;
    info.featureSet = set.name;
    addSource(vc, file, expr, info, fs.source);
    for (const f of fs.features.values()) info.inputs.push({ name: f.name, featureSet: set.name, type: f.type, node: expr, feature: f });
    ctx.setType(expr, { kind: "decl", declKind: "features", name: set.name });
    return;
  }
  if (expr.kind !== "List") {
    ctx.report(
      file,
      "type-mismatch",
      expr.span,
      "features expects a feature set or a list of features and columns ([s.amount, tx.amount_log])",
    );
    return;
  }
  if (expr.elements.length === 0) ctx.report(file, "out-of-range", expr.span, "a model needs at least one feature");
  for (const el of expr.elements) resolveFeatureEntry(vc, file, unwrapParens(el), info);
}

function resolveFeatureEntry(vc: ValueChecker, file: ProgramFile, el: Expr, info: ModelInfo): void {
  const ctx = vc.ctx;
  if (el.kind === "Error") return;
  if (el.kind === "Name") {
    const set = lookupBlock(ctx, file, el.name, ["features"], "a feature set, or write source.column");
    if (!set) return;
    const fs = featureSetInfo(vc, set);
    if (!fs) return;
    addSource(vc, file, el, info, fs.source);
    for (const f of fs.features.values()) info.inputs.push({ name: f.name, featureSet: set.name, type: f.type, node: el, feature: f });
    return;
  }
  if (el.kind !== "Member" || el.object.kind !== "Name") {
    ctx.report(file, "type-mismatch", el.span, "a model feature is `source.column`, `features.name` or a feature set name");
    return;
  }
  const owner = lookupBlock(ctx, file, el.object.name, ["source", "features"]);
  if (!owner) return;
  const prop = el.property;
  if (owner.declKind === "source") {
    const columns = sourceColumns(ctx, owner);
    const c = columns.get(prop.name);
    if (!c) {
      const { hints, fixes } = suggestion(file, prop, columns.keys());
      ctx.report(file, "unknown-reference", prop.span, `source \`${owner.name}\` has no column \`${prop.name}\``, hints, fixes);
      return;
    }
    ctx.reference(file, prop.span, columnSymbol(owner.name, c));
    addSource(vc, file, el, info, owner.name);
    info.inputs.push({ name: c.name, type: ctx.setType(el, c.type), node: el });
    return;
  }
  const fs = featureSetInfo(vc, owner);
  if (!fs) return;
  const f = fs.features.get(prop.name);
  if (!f) {
    const { hints, fixes } = suggestion(file, prop, fs.features.keys());
    ctx.report(file, "unknown-reference", prop.span, `feature set \`${owner.name}\` has no feature \`${prop.name}\``, hints, fixes);
    return;
  }
  ctx.reference(file, prop.span, featureSymbol(owner.name, f));
  addSource(vc, file, el, info, fs.source);
  info.inputs.push({ name: f.name, featureSet: owner.name, type: ctx.setType(el, f.type), node: el, feature: f });
}

function resolveTarget(vc: ValueChecker, value: MergedValue, info: ModelInfo): void {
  const ctx = vc.ctx;
  const file = value.owner.file;
  const expr = value.expr;
  if (expr.kind === "Error") return;
  if (expr.kind !== "Member" || expr.object.kind !== "Name") {
    const hint = expr.kind === "Name" && info.source ? [`write \`${info.source}.${expr.name.name}\``] : [];
    ctx.report(file, "type-mismatch", expr.span, "target expects a column: `source.column`", hint);
    return;
  }
  const source = lookupBlock(ctx, file, expr.object.name, "source", "the target's source");
  if (!source) return;
  const columns = sourceColumns(ctx, source);
  const c = columns.get(expr.property.name);
  if (!c) {
    const { hints, fixes } = suggestion(file, expr.property, columns.keys());
    ctx.report(
      file,
      "unknown-reference",
      expr.property.span,
      `source \`${source.name}\` has no column \`${expr.property.name}\``,
      hints,
      fixes,
    );
    return;
  }
  ctx.reference(file, expr.property.span, columnSymbol(source.name, c));
  ctx.setType(expr, c.type);
  if (info.source && info.source !== source.name) {
    ctx.report(
      file,
      "type-mismatch",
      expr.span,
      `the target must be a column of \`${info.source}\` (the source the features read), not of \`${source.name}\``,
    );
  }
  info.target = { source: source.name, column: c.name, type: c.type };
  if (c.type.kind === "bool") info.target.classes = ["false", "true"];
  else if (c.type.kind === "enum") info.target.classes = [...c.type.values];
}

function computeLayout(info: ModelInfo): void {
  let offset: number | null = 0;
  const layout: InputSlot[] = [];
  for (const input of info.inputs) {
    const width = input.type.kind === "vector" ? input.type.size : input.type.kind === "unknown" ? null : 1;
    const slot: InputSlot = { feature: input.name, offset, width };
    if (input.type.kind === "vector" && input.type.labels) slot.labels = [...input.type.labels];
    layout.push(slot);
    offset = offset === null || width === null ? null : offset + width;
  }
  info.layout = layout;
  info.inputWidth = offset;
}

/** Wraps a nullable feature's definition in `coalesce(…, 0)` (`false` for a bool), where the feature is defined. */
function nonNullFeatureFix(feature: FeatureInfo): Fix {
  const { file, expr } = feature;
  const text = file.text.slice(expr.span.start, expr.span.end);
  const newText = `coalesce(${text}, ${feature.type.kind === "bool" ? "false" : "0"})`;
  return {
    title: `Make \`${feature.name}\` non-null: ${feature.name} = ${newText}`,
    edits: [{ file: file.path, range: file.lineMap.range(expr.span), newText }],
  };
}

function inputUsable(t: Type): "ok" | "nullable" | "bad" {
  if (t.kind === "unknown" || t.kind === "vector") return "ok";
  if (isNumeric(t) || t.kind === "bool") return isNullable(t) ? "nullable" : "ok";
  return "bad";
}

function checkInputs(vc: ValueChecker, merged: MergedDecl, info: ModelInfo): void {
  const field = merged.fields.get("features");
  if (!field) return;
  const file = field.value.owner.file;
  const targetCol = info.target?.column;
  for (const input of info.inputs) {
    const use = inputUsable(input.type);
    const what = input.featureSet ? `feature \`${input.featureSet}.${input.name}\`` : `column \`${input.name}\``;
    if (use === "nullable") {
      vc.ctx.report(
        file,
        "nullable-misuse",
        input.node.span,
        `${what} is ${typeToString(input.type)}: a model input must be non-null`,
        [`make it non-null in the feature set: coalesce(${input.name}, 0), impute(${input.name}, median)`],
        input.feature ? [nonNullFeatureFix(input.feature)] : [],
      );
    } else if (use === "bad") {
      const hint =
        input.type.kind === "enum" || input.type.kind === "string"
          ? [`encode it: one_hot(${input.name}) or hash_bucket(${input.name}, 32)`]
          : [];
      vc.ctx.report(
        file,
        "type-mismatch",
        input.node.span,
        `${what} is ${typeToString(input.type)}: a model input must be numeric, bool or a vector`,
        hint,
      );
    }
    if (!targetCol || info.target?.source !== info.source) continue;
    if (!input.featureSet && input.name === targetCol) {
      vc.ctx.report(
        file,
        "type-mismatch",
        input.node.span,
        `the target \`${targetCol}\` cannot also be a model input (it would leak the answer)`,
      );
    } else if (input.featureSet && featureColumns(vc, input.featureSet, input.name).includes(targetCol)) {
      vc.ctx.report(
        file,
        "type-mismatch",
        input.node.span,
        `feature \`${input.featureSet}.${input.name}\` reads the target column \`${targetCol}\`: it would leak the answer into the model's input`,
      );
    }
  }
}

/** The target column types each task accepts (non-null ones: a nullable target is refused first). */
export const TARGET_FITS: Record<Task, (t: Type) => boolean> = {
  binary_classification: (x) => x.kind === "bool" || (x.kind === "enum" && x.values.length === 2),
  multiclass_classification: (x) => x.kind === "enum" || x.kind === "string" || x.kind === "int",
  regression: (x) => x.kind === "int" || x.kind === "float",
};

function checkTargetAgainstTask(vc: ValueChecker, merged: MergedDecl, info: ModelInfo): void {
  const target = merged.fields.get("target");
  if (!target || !info.target || !info.task) return;
  const t = info.target.type;
  const file = target.value.owner.file;
  const at = target.value.expr;
  const col = `\`${info.target.source}.${info.target.column}\``;
  if (isNullable(t)) {
    vc.ctx.report(file, "nullable-misuse", at.span, `the target ${col} is ${typeToString(t)}: a target must be non-null`, [
      "declare the column non-null, or drop rows with a null target upstream",
    ]);
    return;
  }
  const fits = TARGET_FITS;
  if (t.kind === "unknown" || fits[info.task](t)) return;
  const expected: Record<Task, string> = {
    binary_classification: "a bool or an enum of two values",
    multiclass_classification: "an enum, string or int of classes",
    regression: "an int or float",
  };
  const better = (Object.keys(fits) as Task[]).find((k) => fits[k](t));
  vc.ctx.report(
    file,
    "target-type",
    at.span,
    `the target ${col} is ${typeToString(t)}, but ${info.task} needs ${expected[info.task]}`,
    better ? [`for this target, \`task = ${better}\``] : [],
  );
}

function checkSplit(vc: ValueChecker, merged: MergedDecl, info: ModelInfo): void {
  const strat = merged.fields.get("split")?.value.fields?.get("stratify");
  if (strat && info.task === "regression" && strat.value.expr.kind === "Boolean" && strat.value.expr.value) {
    vc.ctx.report(
      strat.value.owner.file,
      "type-mismatch",
      strat.value.expr.span,
      "split.stratify applies to classification; a regression target has no classes to stratify",
    );
  }
}

function checkTrainer(vc: ValueChecker, merged: MergedDecl, info: ModelInfo): void {
  const trainers = checkCandidates(vc, merged, info);
  for (const trainer of trainers) checkTrainerTask(vc, merged, info, trainer, trainers.length === 1);
}

function checkTrainerTask(vc: ValueChecker, merged: MergedDecl, info: ModelInfo, trainer: MergedValue, only: boolean): void {
  if (trainer.expr.kind !== "Constructor") return;
  const name = trainer.expr.name.name;
  const tasks = TRAINER_TASKS[name];
  if (tasks && info.task && !tasks.includes(info.task)) {
    const fits = Object.entries(TRAINER_TASKS)
      .filter(([, ts]) => ts.includes(info.task!))
      .map(([n]) => n);
    vc.ctx.report(
      trainer.owner.file,
      "type-mismatch",
      trainer.expr.name.span,
      `trainer \`${name}\` fits ${tasks.join(" or ")}, not ${info.task}`,
      fits.length ? [`for ${info.task}: ${fits.join(", ")}`] : [],
    );
  }
  if (name === "pretrained" && only && !merged.symbol.isTemplate) checkPretrained(vc, trainer, info);
  if (!merged.symbol.isTemplate) checkIgnoredTrainerSettings(vc.ctx, trainer, info.inputWidth);
}

function checkPretrained(vc: ValueChecker, trainer: MergedValue, info: ModelInfo): void {
  const path = trainer.fields?.get("path")?.value;
  if (path?.expr.kind !== "String" || path.expr.parts) return;
  const file = path.owner.file;
  const full = resolveRelative(file.path, path.expr.value);
  vc.ctx.dependOn(`file:${full}`);
  const outcome = vc.ctx.checker.files.readModel(full);
  if ("problem" in outcome) {
    vc.ctx.report(file, "file-access", path.expr.span, `cannot read the ONNX model: ${outcome.problem.message}`, outcome.problem.hints);
    return;
  }
  if ("missing" in outcome) {
    vc.ctx.report(
      file,
      "signature-mismatch",
      path.expr.span,
      `cannot read the ONNX model "${path.expr.value}" (looked at ${full}); its signature is checked at compile time`,
    );
    return;
  }
  const sig = readOnnxSignature(outcome.content);
  if ("error" in sig) {
    vc.ctx.report(file, "signature-mismatch", path.expr.span, `"${path.expr.value}" is ${sig.error}`);
    return;
  }
  pretrainedSignatures.set(trainer.expr, sig);
  for (const problem of signatureProblems(sig, info)) vc.ctx.report(file, "signature-mismatch", path.expr.span, problem);
}

/** Signatures read from pretrained models, by their trainer expression (for the semantic model). */
export const pretrainedSignatures = new WeakMap<Expr, OnnxSignature>();

export function signatureProblems(sig: OnnxSignature, info: ModelInfo): string[] {
  const problems: string[] = [];
  const features = info.featureSet ? `the features \`${info.featureSet}\`` : "the model's features";
  const width = info.inputWidth;
  const wanted = `tensor<float32, [?, ${width ?? "N"}]>`;
  if (sig.inputs.length !== 1) {
    problems.push(
      `the ONNX model has ${sig.inputs.length} inputs (${sig.inputs.map((i) => `\`${i.name}\``).join(", ") || "none"}), but ${features} feed one ${wanted}`,
    );
  } else {
    const input = sig.inputs[0]!;
    if (input.elementType !== "float32")
      problems.push(`ONNX input \`${input.name}\` is ${tensorToString(input)}, but ${features} make ${wanted}`);
    else if (input.shape.length !== 2)
      problems.push(
        `ONNX input \`${input.name}\` is ${tensorToString(input)} (rank ${input.shape.length}), but ${features} make ${wanted}`,
      );
    else if (width !== null && input.shape[1] !== null && input.shape[1] !== width) {
      problems.push(`ONNX input \`${input.name}\` is ${tensorToString(input)}, but ${features} make a vector of ${width} (${wanted})`);
    }
  }
  const task = info.task;
  if (!task) return problems;
  const numericOut = sig.outputs.filter((o) => o.elementType === "float32" || o.elementType === "float64");
  if (task === "regression") {
    const first = sig.outputs[0];
    if (
      first &&
      (!numericOut.includes(first) ||
        (first.shape.length > 1 && first.shape[first.shape.length - 1] !== null && first.shape[first.shape.length - 1] !== 1))
    ) {
      problems.push(
        `ONNX output \`${first.name}\` is ${tensorToString(first)}, but regression needs one float per row (tensor<float32, [?, 1]>)`,
      );
    }
  } else {
    const classes = task === "binary_classification" ? 2 : info.target?.classes?.length;
    const probs = numericOut.find((o) => o.shape.length === 2);
    const last = probs?.shape[1];
    if (
      probs &&
      classes !== undefined &&
      last !== null &&
      last !== undefined &&
      last !== classes &&
      !(task === "binary_classification" && last === 1)
    ) {
      problems.push(
        `ONNX output \`${probs.name}\` is ${tensorToString(probs)}, but ${task} with ${classes} classes needs tensor<float32, [?, ${classes}]>`,
      );
    }
    if (
      !probs &&
      !sig.outputs.some((o) => o.elementType === "int64" || o.elementType === "string" || o.elementType.startsWith("seq(map"))
    ) {
      problems.push(
        `the ONNX model's outputs (${sig.outputs.map(tensorToString).join(", ")}) hold no class probabilities or labels for ${task}`,
      );
    }
  }
  return problems;
}

/** The source columns a feature reads, directly or through other features. */
function featureColumns(vc: ValueChecker, set: string, feature: string): string[] {
  const symbol = vc.ctx.checker.table.block(set);
  const info = symbol ? vc.ctx.checker.result(symbol).info : undefined;
  return info?.kind === "features" ? (info.features.get(feature)?.columns ?? []) : [];
}
