import { InlayHintKind, type InlayHint, type Range } from "vscode-languageserver";
import { typeToString, type BlockDeclaration, type Expr, type Program } from "@mlops/compiler";
import type { ParsedDocument } from "../workspace.js";
import { walk } from "@mlops/compiler";

/**
 * Inlay hints: the inferred type of each feature (vector widths included),
 * a model's input width, and the value `params.X` takes in the selected env.
 * Read from the checked declarations in the range only (no whole-program
 * check), param values as written in the source.
 */
export function inlayHints(program: Program, doc: ParsedDocument, range: Range, env: string | undefined): InlayHint[] {
  const from = doc.lineMap.offset(range.start);
  const to = doc.lineMap.offset(range.end);
  const hints: InlayHint[] = [];
  const table = program.symbols();
  for (const d of doc.file.declarations) {
    if (d.span.end < from || d.span.start > to) continue;
    if (d.kind === "Block" && !d.isTemplate && (d.keyword === "features" || d.keyword === "model")) {
      const symbol = table.block(d.name.name);
      if (symbol?.node === d) {
        const info = program.result(symbol).info;
        if (info.kind === "features") featureHints(doc, d, info.features, hints);
        if (info.kind === "model" && info.inputWidth !== null) modelHint(doc, d, info.inputWidth, info.layout, hints);
      }
    }
    walk(d, (node) => {
      if (node.kind !== "Member" || node.object.kind !== "Name" || node.object.name.name !== "params") return true;
      const value = paramValueText(program, node.property.name, env);
      if (value !== undefined) {
        hints.push({
          position: doc.lineMap.position(node.span.end),
          label: `= ${value.text}`,
          kind: InlayHintKind.Parameter,
          paddingLeft: true,
          tooltip: `params.${node.property.name} ${value.overridden ? `as env \`${env}\` sets it` : env ? `(env \`${env}\` keeps the default)` : "(the default: no env selected)"}`,
        });
      }
      return false;
    });
  }
  return hints.filter((h) => {
    const offset = doc.lineMap.offset(h.position);
    return offset >= from && offset <= to;
  });
}

function featureHints(
  doc: ParsedDocument,
  block: BlockDeclaration,
  features: Map<string, { type: Parameters<typeof typeToString>[0] }>,
  hints: InlayHint[],
): void {
  for (const m of block.members) {
    if (m.kind !== "Field") continue;
    const feature = features.get(m.name.name);
    if (!feature || feature.type.kind === "unknown") continue;
    hints.push({ position: doc.lineMap.position(m.name.span.end), label: `: ${typeToString(feature.type)}`, kind: InlayHintKind.Type });
  }
}

function modelHint(
  doc: ParsedDocument,
  block: BlockDeclaration,
  width: number,
  layout: Array<{ feature: string; offset: number | null; width: number | null }>,
  hints: InlayHint[],
): void {
  const field = block.members.find((m) => m.kind === "Field" && m.name.name === "features");
  if (!field) return;
  hints.push({
    position: doc.lineMap.position(field.span.end),
    label: `→ vector<float, ${width}>`,
    kind: InlayHintKind.Type,
    paddingLeft: true,
    tooltip: layout.map((slot) => `${slot.feature}: ${slot.width ?? "?"} at ${slot.offset ?? "?"}`).join("\n"),
  });
}

/** The value of a param as written: the env's override when it has one, else the declared default. */
function paramValueText(program: Program, name: string, env: string | undefined): { text: string; overridden: boolean } | undefined {
  const table = program.symbols();
  const envBlock = env ? table.envs.get(env)?.[0] : undefined;
  const override = envBlock?.node.members.find((m) => m.kind === "Field" && m.name.name === name);
  if (envBlock && override?.kind === "Field") return { text: sourceText(envBlock.file.text, override.value), overridden: true };
  const param = table.param(name);
  if (!param?.node.value) return undefined;
  return { text: sourceText(param.file.text, param.node.value), overridden: false };
}

function sourceText(text: string, expr: Expr): string {
  const written = text.slice(expr.span.start, expr.span.end).replace(/\s+/g, " ");
  return written.length > 40 ? `${written.slice(0, 39)}…` : written;
}
