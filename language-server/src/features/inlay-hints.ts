import { InlayHintKind, type InlayHint, type Range } from "vscode-languageserver";
import type { BlockDeclaration, ConstValue, ResolvedFeature, SemanticModel } from "@mlops/compiler";

type FeatureType = ResolvedFeature["type"];
import type { ParsedDocument } from "../workspace.js";
import { walk } from "../util/ast-walk.js";
import { formatConstValue } from "../util/values.js";

/**
 * Inlay hints: the inferred type of each feature (vector widths included),
 * a model's input width, and the value `params.X` resolves to for the
 * selected env.
 */
export function inlayHints(doc: ParsedDocument, model: SemanticModel, range: Range): InlayHint[] {
  const from = doc.lineMap.offset(range.start);
  const to = doc.lineMap.offset(range.end);
  const hints: InlayHint[] = [];
  for (const d of doc.file.declarations) {
    if (d.span.end < from || d.span.start > to) continue;
    if (d.kind === "Block" && d.keyword === "features" && !d.isTemplate) featureHints(doc, d, model, hints);
    if (d.kind === "Block" && d.keyword === "model" && !d.isTemplate) modelHints(doc, d, model, hints);
    walk(d, (node) => {
      if (node.kind !== "Member" || node.object.kind !== "Name" || node.object.name.name !== "params") return true;
      const param = model.params[node.property.name];
      if (!param || param.value === undefined) return false;
      hints.push({
        position: doc.lineMap.position(node.span.end),
        label: `= ${formatConstValue(param.value, param.typeText)}`,
        kind: InlayHintKind.Parameter,
        paddingLeft: true,
        tooltip: `params.${param.name} for ${model.env ? `env \`${model.env}\`` : "the defaults (no env selected)"}`,
      });
      return false;
    });
  }
  return hints.filter((h) => {
    const offset = doc.lineMap.offset(h.position);
    return offset >= from && offset <= to;
  });
}

function featureHints(doc: ParsedDocument, block: BlockDeclaration, model: SemanticModel, hints: InlayHint[]): void {
  const set = model.featureSets[block.name.name];
  if (!set || set.node !== block) return;
  const types = new Map(set.features.map((f) => [f.name, f.type] as const));
  for (const m of block.members) {
    if (m.kind !== "Field") continue;
    const type = types.get(m.name.name);
    if (!type) continue;
    hints.push({ position: doc.lineMap.position(m.name.span.end), label: `: ${featureTypeText(type)}`, kind: InlayHintKind.Type });
  }
}

function modelHints(doc: ParsedDocument, block: BlockDeclaration, model: SemanticModel, hints: InlayHint[]): void {
  const resolved = model.models[block.name.name];
  if (!resolved || resolved.node !== block) return;
  const field = block.members.find((m) => m.kind === "Field" && m.name.name === "features");
  if (!field || resolved.inputWidth === null) return;
  hints.push({
    position: doc.lineMap.position(field.span.end),
    label: `→ vector<float, ${resolved.inputWidth}>`,
    kind: InlayHintKind.Type,
    paddingLeft: true,
    tooltip: resolved.layout.map((slot) => `${slot.feature}: ${slot.width ?? "?"} at ${slot.offset ?? "?"}`).join("\n"),
  });
}

export function featureTypeText(type: FeatureType): string {
  if (type.kind === "vector") return `vector<float, ${type.size ?? "?"}>`;
  if (type.kind === "enum") return `enum(${type.values.map((v: string) => JSON.stringify(v)).join(", ")})${type.nullable ? "?" : ""}`;
  return `${type.kind}${type.nullable ? "?" : ""}`;
}

export type { ConstValue };
