import type { Hover, Position } from "vscode-languageserver";
import { hoverAt, type Declaration, type Identifier, type Program } from "@mlops/compiler";
import type { ParsedDocument } from "../workspace.js";
import { nodePathAt } from "../util/ast-walk.js";
import { typeText } from "../util/print.js";

/** Hover from the checker's model: markdown and the span it describes. */
export type SemanticHover = (doc: ParsedDocument, offset: number) => { markdown: string; start: number; end: number } | undefined;

/** The checker's hover at `offset`. */
export function checkerHover(program: Program, doc: ParsedDocument, offset: number): ReturnType<SemanticHover> {
  const found = hoverAt(program, doc.path, offset);
  return found ? { markdown: found.contents, start: found.span.start, end: found.span.end } : undefined;
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
  return "```mlops\n" + head + "\n```" + (d.doc ? `\n\n${d.doc}` : "");
}
