import { SymbolKind, type DocumentSymbol } from "vscode-languageserver";
import type { BlockDeclaration, Declaration, Member } from "@mlops/compiler";
import type { ParsedDocument } from "../workspace.js";
import { typeText } from "../util/print.js";

/** The outline: one symbol per declaration, with fields, columns and features inside. */
export function documentSymbols(doc: ParsedDocument): DocumentSymbol[] {
  return doc.file.declarations.flatMap((d) => declarationSymbol(doc, d) ?? []);
}

export const BLOCK_SYMBOL_KIND: Record<BlockDeclaration["keyword"], SymbolKind> = {
  pipeline: SymbolKind.Namespace,
  env: SymbolKind.Namespace,
  source: SymbolKind.Struct,
  features: SymbolKind.Module,
  model: SymbolKind.Class,
  gate: SymbolKind.Interface,
  deploy: SymbolKind.Package,
  monitor: SymbolKind.Event,
  notifier: SymbolKind.Event,
};

function declarationSymbol(doc: ParsedDocument, d: Declaration): DocumentSymbol | undefined {
  const range = doc.lineMap.range(d.span);
  switch (d.kind) {
    case "Block": {
      if (!d.name.name) return undefined;
      return {
        name: d.name.name,
        detail: `${d.isTemplate ? "template " : ""}${d.keyword}${d.from ? ` from ${d.from.name}` : ""}${d.extends ? ` extends ${d.extends.name}` : ""}`,
        kind: BLOCK_SYMBOL_KIND[d.keyword],
        range,
        selectionRange: doc.lineMap.range(d.name.span),
        children: d.members.flatMap((m) => memberSymbols(doc, d, m)),
      };
    }
    case "Param":
      if (!d.name.name) return undefined;
      return {
        name: d.name.name,
        detail: d.type ? `param: ${typeText(d.type)}` : "param",
        kind: SymbolKind.Constant,
        range,
        selectionRange: doc.lineMap.range(d.name.span),
      };
    case "Import": {
      const name = d.target.kind === "String" ? d.target.value : d.target.segments.map((s) => s.name).join(".");
      return { name: name || "import", detail: "import", kind: SymbolKind.File, range, selectionRange: doc.lineMap.range(d.target.span) };
    }
  }
}

function memberSymbols(doc: ParsedDocument, block: BlockDeclaration, m: Member): DocumentSymbol[] {
  const range = doc.lineMap.range(m.span);
  switch (m.kind) {
    case "Field":
      if (!m.name.name) return [];
      return [
        {
          name: m.name.name,
          detail: block.keyword === "features" ? "feature" : block.keyword === "env" ? "param override" : "field",
          kind: block.keyword === "features" ? SymbolKind.Field : SymbolKind.Property,
          range,
          selectionRange: doc.lineMap.range(m.name.span),
        },
      ];
    case "Schema":
      return [
        {
          name: "schema",
          kind: SymbolKind.Object,
          range,
          selectionRange: { start: range.start, end: range.start },
          children: m.columns
            .filter((c) => c.name.name)
            .map((c) => ({
              name: c.name.name,
              detail: typeText(c.type),
              kind: SymbolKind.Field,
              range: doc.lineMap.range(c.span),
              selectionRange: doc.lineMap.range(c.name.span),
            })),
        },
      ];
    case "Expect":
      return [{ name: "expect", kind: SymbolKind.Object, range, selectionRange: { start: range.start, end: range.start } }];
    case "Drift":
      return [
        {
          name: `drift ${m.target.name}`,
          kind: SymbolKind.Event,
          range,
          selectionRange: doc.lineMap.range(m.target.span),
        },
      ];
    default:
      return [];
  }
}
