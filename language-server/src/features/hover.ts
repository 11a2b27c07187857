import type { Hover, Position } from "vscode-languageserver";
import {
  describeSymbol,
  hoverAt,
  symbolAt,
  type Annotation,
  type Declaration,
  type Identifier,
  type Program,
  type Span,
  type SymbolReference,
} from "@mlops/compiler";
import { formatConstValue } from "../util/values.js";
import type { ParsedDocument } from "../workspace.js";
import { nodePathAt } from "@mlops/compiler";
import { typeText } from "../util/print.js";

/** Hover from the checker's model: markdown and the span it describes. */
export type SemanticHover = (doc: ParsedDocument, offset: number) => { markdown: string; start: number; end: number } | undefined;

/** The checker's hover at `offset`. */
export function checkerHover(program: Program, doc: ParsedDocument, offset: number, env: string | undefined): ReturnType<SemanticHover> {
  const fast = declarationHover(program, doc, offset);
  const found = fast ?? hoverAt(program, doc.path, offset);
  if (!found) return undefined;
  let markdown = found.contents;
  const symbol = fast ? fast.symbol : symbolAt(program, doc.path, offset)?.symbol;
  if (symbol?.kind === "param") {
    const param = program.model(env).params[symbol.name];
    if (param?.value !== undefined)
      markdown += `\n\n**${env ? `env \`${env}\`` : "no env selected"}**: \`params.${symbol.name}\` = \`${formatConstValue(param.value, param.typeText)}\``;
  }
  return { markdown, start: found.span.start, end: found.span.end };
}

const size = (span: Span): number => span.end - span.start;
const within = (span: Span, offset: number): boolean => span.start <= offset && offset <= span.end;

/**
 * The checker's hover computed from the one declaration under the cursor (what
 * `hoverAt` shows, without checking every other declaration of the file first:
 * after an edit of a large file only that declaration is re-checked).
 */
function declarationHover(
  program: Program,
  doc: ParsedDocument,
  offset: number,
): { contents: string; span: Span; symbol?: SymbolReference["symbol"] } | undefined {
  const declaration = program.symbols().all.find((s) => s.file.path === doc.path && within(s.node.span, offset));
  if (!declaration) return undefined;
  const result = program.result(declaration);
  let ref: SymbolReference | undefined;
  for (const r of result.references) if (r.file === doc.path && within(r.span, offset) && (!ref || size(r.span) < size(ref.span))) ref = r;
  let annotation: Annotation | undefined;
  for (const a of result.annotations)
    if (a.file === doc.path && within(a.span, offset) && (!annotation || size(a.span) < size(annotation.span))) annotation = a;
  if (ref && (!annotation || size(ref.span) <= size(annotation.span)))
    return { contents: describeSymbol(program, ref.symbol), span: ref.span, symbol: ref.symbol };
  if (annotation)
    return { contents: [`\`\`\`mlops\n${annotation.detail}\n\`\`\``, annotation.doc].filter(Boolean).join("\n\n"), span: annotation.span };
  return undefined;
}

/** Hover: the checker's text (type, doc, resolved value...) or, without it, what the syntax says about a declaration name. */
export function hover(doc: ParsedDocument, position: Position, semantic: SemanticHover | undefined): Hover | null {
  const offset = doc.lineMap.offset(position);
  const found = semantic?.(doc, offset);
  if (found) {
    return { contents: { kind: "markdown", value: found.markdown }, range: doc.lineMap.range({ start: found.start, end: found.end }) };
  }
  return syntaxHover(doc, offset);
}

function syntaxHover(doc: ParsedDocument, offset: number): Hover | null {
  const path = nodePathAt(doc.file, offset);
  const leaf = path[path.length - 1];
  if (leaf?.kind !== "Identifier") return null;
  const declaration = doc.file.declarations.find((d) => d.kind !== "Import" && d.name.name === (leaf as Identifier).name);
  if (!declaration || declaration.kind === "Import") return null;
  return { contents: { kind: "markdown", value: declarationMarkdown(declaration) }, range: doc.lineMap.range(leaf.span) };
}

export function declarationMarkdown(d: Exclude<Declaration, { kind: "Import" }>): string {
  const head =
    d.kind === "Param"
      ? `param ${d.name.name}${d.type ? `: ${typeText(d.type)}` : ""}`
      : `${d.isTemplate ? "template " : ""}${d.keyword} ${d.name.name}${d.from ? ` from ${d.from.name}` : ""}${d.extends ? ` extends ${d.extends.name}` : ""}`;
  return `\`\`\`mlops\n${head}\n\`\`\`${d.doc ? `\n\n${d.doc}` : ""}`;
}
