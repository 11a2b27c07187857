import { DocumentHighlightKind, type DocumentHighlight, type Position } from "vscode-languageserver";
import { referencesOf, symbolAt, type Program } from "@mlops/compiler";
import type { ParsedDocument } from "../workspace.js";

/** Document highlight: the occurrences of the name under the cursor in this file; the declaration is the "write". */
export function documentHighlights(program: Program, doc: ParsedDocument, position: Position): DocumentHighlight[] {
  const ref = symbolAt(program, doc.path, doc.lineMap.offset(position));
  if (!ref) return [];
  const { symbol } = ref;
  return referencesOf(program, symbol, true)
    .filter((l) => l.file === doc.path)
    .map((l) => ({
      range: l.range,
      kind: l.file === symbol.file && l.span.start === symbol.span.start ? DocumentHighlightKind.Write : DocumentHighlightKind.Read,
    }));
}
