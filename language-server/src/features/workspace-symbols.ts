import { SymbolKind, type WorkspaceSymbol } from "vscode-languageserver";
import type { ParsedDocument } from "../workspace.js";
import { BLOCK_SYMBOL_KIND } from "./symbols.js";

const LIMIT = 500;

/** Workspace symbols: declarations, columns and features of every `.mlops` file, matched as a subsequence of the query. */
export function workspaceSymbols(docs: Iterable<ParsedDocument>, query: string): WorkspaceSymbol[] {
  const out: WorkspaceSymbol[] = [];
  const q = query.toLowerCase();
  const push = (doc: ParsedDocument, name: string, kind: SymbolKind, span: { start: number; end: number }, container?: string): void => {
    if (out.length >= LIMIT || !name || !matches(name.toLowerCase(), q)) return;
    out.push({
      name,
      kind,
      location: { uri: doc.uri, range: doc.lineMap.range(span) },
      ...(container ? { containerName: container } : {}),
    });
  };
  for (const doc of docs) {
    for (const d of doc.file.declarations) {
      if (d.kind === "Import") continue;
      if (d.kind === "Param") {
        push(doc, d.name.name, SymbolKind.Constant, d.name.span, "param");
        continue;
      }
      push(doc, d.name.name, BLOCK_SYMBOL_KIND[d.keyword], d.name.span, d.keyword);
      for (const m of d.members) {
        if (m.kind === "Field" && d.keyword === "features") push(doc, m.name.name, SymbolKind.Field, m.name.span, d.name.name);
        if (m.kind === "Schema") for (const c of m.columns) push(doc, c.name.name, SymbolKind.Field, c.name.span, d.name.name);
      }
    }
  }
  return out;
}

/** Fuzzy: the query's characters appear in order in the name. */
function matches(name: string, query: string): boolean {
  let i = 0;
  for (const c of name) if (c === query[i]) i++;
  return i === query.length;
}
