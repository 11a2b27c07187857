import type { Position, Range, SelectionRange } from "vscode-languageserver";
import type { ParsedDocument } from "../workspace.js";
import { nodePathAt } from "@mlops/compiler";

/** Expanding selections: the chain of syntax nodes around each position, innermost first. */
export function selectionRanges(doc: ParsedDocument, positions: Position[]): SelectionRange[] {
  return positions.map((position) => {
    const offset = doc.lineMap.offset(position);
    const path = nodePathAt(doc.file, offset);
    let parent: SelectionRange | undefined;
    for (const node of path) {
      const span = node.kind === "SourceFile" ? { start: 0, end: doc.text.length } : node.span;
      const range = doc.lineMap.range(span);
      if (parent && sameRange(parent.range, range)) continue;
      parent = parent ? { range, parent } : { range };
    }
    return parent ?? { range: { start: position, end: position } };
  });
}

function sameRange(a: Range, b: Range): boolean {
  return (
    a.start.line === b.start.line &&
    a.start.character === b.start.character &&
    a.end.line === b.end.line &&
    a.end.character === b.end.character
  );
}
