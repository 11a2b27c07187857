/** Hover text (markdown): what is at a position, its type, doc comment, resolved values. */
import type { Annotation } from "../checker/context.js";
import type { FeatureSetInfo, ModelInfo, ParamInfo, SourceInfo } from "../checker/infos.js";
import type { SemanticSymbol } from "../checker/symbols.js";
import { typeToString } from "../checker/types.js";
import { normalizePath } from "../host/paths.js";
import type { Program } from "../program/program.js";
import type { ProgramFile } from "../program/source-files.js";
import type { Expr } from "../syntax/ast.js";
import type { Type } from "../checker/types.js";
import { numberLiteral } from "../checker/values.js";
import { describeQuantity, normalizeQuantity } from "../checker/units.js";
import type { Span } from "../syntax/ast.js";
import { resultsInFile, symbolAt, typeAt } from "./navigation.js";
import { printExpr } from "../format/print-expr.js";

export interface HoverResult {
  /** Markdown. */
  contents: string;
  span: Span;
}

const fence = (code: string): string => `\`\`\`mlops\n${code}\n\`\`\``;

export function hoverAt(program: Program, file: string, offset: number): HoverResult | undefined {
  const path = normalizePath(file);
  const ref = symbolAt(program, path, offset);
  const annotation = annotationAt(program, path, offset);
  if (ref && (!annotation || size(ref.span) <= size(annotation.span)))
    return { contents: describeSymbol(program, ref.symbol), span: ref.span };
  if (annotation) return { contents: describeAnnotation(annotation), span: annotation.span };
  const t = typeAt(program, path, offset);
  if (t && t.type.kind !== "unknown") return { contents: fence(`: ${t.text}`), span: t.span };
  return undefined;
}

function size(span: Span): number {
  return span.end - span.start;
}

function annotationAt(program: Program, file: string, offset: number): Annotation | undefined {
  let best: Annotation | undefined;
  for (const r of resultsInFile(program, file)) {
    for (const a of r.annotations) {
      if (a.file !== file || a.span.start > offset || offset > a.span.end) continue;
      if (!best || size(a.span) < size(best.span)) best = a;
    }
  }
  return best;
}

function describeAnnotation(a: Annotation): string {
  return [fence(a.detail), a.doc].filter(Boolean).join("\n\n");
}

export function describeSymbol(program: Program, symbol: SemanticSymbol): string {
  const parts: string[] = [];
  switch (symbol.kind) {
    case "column":
      parts.push(fence(`column ${symbol.container}.${symbol.name}: ${symbol.type ? typeToString(symbol.type) : "unknown"}`));
      break;
    case "feature": {
      const set = program.symbols().block(symbol.container ?? "");
      const info = set ? program.result(set).info : undefined;
      const feature = info?.kind === "features" ? info.features.get(symbol.name) : undefined;
      const type = feature?.type ?? symbol.type;
      const definition = feature ? ` = ${printExpr(feature.expr, feature.file.text)}` : "";
      parts.push(fence(`feature ${symbol.container}.${symbol.name}: ${type ? typeToString(type) : "unknown"}${definition}`));
      if (feature?.stateful) parts.push("Stateful: fitted on the training split and stored with the model.");
      if (type?.kind === "vector" && type.labels) parts.push(`slots: ${type.labels.map((l) => `\`${l}\``).join(", ")}`);
      break;
    }
    case "param":
      parts.push(...describeParam(program, symbol));
      break;
    case "env":
      parts.push(fence(`env ${symbol.name}`));
      break;
    default:
      parts.push(...describeDeclaration(program, symbol));
  }
  if (symbol.doc) parts.push(symbol.doc);
  return parts.join("\n\n");
}

/** A param value as written, with its normalised number when it is a quantity (`90%` → `0.9`). */
function showParamValue(expr: Expr | undefined, file: ProgramFile | undefined, type: Type): string {
  if (!expr || !file) return "?";
  const written = printExpr(expr, file.text);
  const lit = numberLiteral(expr);
  if (type.kind !== "quantity" || !lit) return `\`${written}\``;
  const normalised = normalizeQuantity(type.unit, lit.value, lit.unit);
  return normalised === undefined || String(normalised) === written
    ? `\`${written}\``
    : `\`${written}\` = ${describeQuantity(type.unit, normalised)}`;
}

function describeParam(program: Program, symbol: SemanticSymbol): string[] {
  const s = program.symbols().param(symbol.name);
  if (!s) return [fence(`param ${symbol.name}`)];
  const info = program.result(s).info as ParamInfo;
  const lines = [fence(`param ${symbol.name}: ${info.typeText ?? "unknown"}`)];
  const rows = [`| env | value |`, `|---|---|`, `| (default) | ${showParamValue(s.node.value, s.file, info.type)} |`];
  for (const [env, list] of [...program.symbols().envs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const envSymbol = list[0]!;
    const override = envSymbol.node.members.find((m) => m.kind === "Field" && m.name.name === symbol.name);
    rows.push(
      override && override.kind === "Field"
        ? `| ${env} | ${showParamValue(override.value, envSymbol.file, info.type)} |`
        : `| ${env} | (default) |`,
    );
  }
  lines.push(rows.join("\n"));
  return lines;
}

function describeDeclaration(program: Program, symbol: SemanticSymbol): string[] {
  const kind = symbol.declKind ?? "source";
  const s = program.symbols().block(symbol.name);
  const head = `${symbol.isTemplate ? "template " : ""}${kind} ${symbol.name}`;
  if (!s) return [fence(head)];
  const r = program.result(s);
  const info = r.info;
  const lines: string[] = [];
  if (info.kind === "source") {
    const src = info as SourceInfo;
    lines.push(
      fence(
        `${head} {\n${[...src.columns.values()].map((c) => `  ${c.name}: ${typeToString(c.type)}${c.unique ? " unique" : ""}`).join("\n")}\n}`,
      ),
    );
  } else if (info.kind === "features") {
    const fs = info as FeatureSetInfo;
    lines.push(
      fence(
        `${head} from ${fs.source ?? "?"} {\n${[...fs.features.values()].map((f) => `  ${f.name}: ${typeToString(f.type)}`).join("\n")}\n}`,
      ),
    );
  } else if (info.kind === "model") {
    lines.push(fence(`${head}: ${(info as ModelInfo).task ?? "?"}`));
    lines.push(modelLayout(info as ModelInfo));
  } else if (info.kind === "gate") {
    lines.push(fence(`${head}${info.model ? ` (judges ${info.model})` : ""}`));
  } else if (info.kind === "deploy") {
    lines.push(fence(`${head}${info.model ? ` (serves ${info.model}${info.target ? ` on ${info.target}` : ""})` : ""}`));
  } else if (info.kind === "monitor") {
    lines.push(fence(`${head}${info.deployment ? ` (watches ${info.deployment})` : ""}`));
  } else {
    lines.push(fence(head));
  }
  if (r.merged && r.merged.chain.length > 1)
    lines.push(
      `extends ${r.merged.chain
        .slice(1)
        .map((c) => `\`${c.name}\``)
        .join(" → ")}`,
    );
  return lines;
}

/** The model's input vector as a markdown table. */
export function modelLayout(info: ModelInfo): string {
  const rows = ["| offset | width | feature | type |", "|---|---|---|---|"];
  info.inputs.forEach((input, i) => {
    const slot = info.layout[i];
    rows.push(
      `| ${slot?.offset ?? "?"} | ${slot?.width ?? "?"} | ${input.featureSet ? `${input.featureSet}.` : ""}${input.name} | ${typeToString(input.type)} |`,
    );
  });
  return `input vector (${info.inputWidth ?? "size known after fitting"} floats):\n\n${rows.join("\n")}`;
}
