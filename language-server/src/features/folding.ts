import { FoldingRangeKind, type FoldingRange } from "vscode-languageserver";
import type { Span } from "@mlops/compiler";
import type { ParsedDocument } from "../workspace.js";
import { walk } from "@mlops/compiler";

/**
 * Folds block bodies, `schema`/`expect` bodies, multi-line records, lists and
 * calls, block comments, runs of line comments and runs of imports.
 */
export function foldingRanges(doc: ParsedDocument): FoldingRange[] {
  const ranges: FoldingRange[] = [];
  const add = (span: Span, kind?: FoldingRangeKind): void => {
    const start = doc.lineMap.position(span.start).line;
    const endPos = doc.lineMap.position(span.end);
    // keep the closing line visible: `}` stays on its own line
    const end = endPos.character > 0 && kind === undefined ? endPos.line - 1 : endPos.line;
    if (end > start) ranges.push(kind ? { startLine: start, endLine: end, kind } : { startLine: start, endLine: end });
  };
  walk(doc.file, (node) => {
    switch (node.kind) {
      case "Block":
      case "Schema":
      case "Expect":
        add(node.bodySpan);
        break;
      case "Record":
      case "List":
      case "Call":
        add(node.span);
        break;
      default:
        break;
    }
  });
  foldComments(doc, ranges);
  foldImports(doc, ranges);
  return dedupe(ranges);
}

function foldComments(doc: ParsedDocument, ranges: FoldingRange[]): void {
  let runStart = -1;
  let runEnd = -1;
  const flush = (): void => {
    if (runStart >= 0 && runEnd > runStart) ranges.push({ startLine: runStart, endLine: runEnd, kind: FoldingRangeKind.Comment });
    runStart = runEnd = -1;
  };
  for (const comment of doc.file.comments) {
    const start = doc.lineMap.position(comment.span.start).line;
    const end = doc.lineMap.position(comment.span.end).line;
    if (comment.style === "block") {
      flush();
      if (end > start) ranges.push({ startLine: start, endLine: end, kind: FoldingRangeKind.Comment });
      continue;
    }
    const ownLine = doc.lineMap.lineText(start).trimStart().startsWith("//");
    if (!ownLine) {
      flush();
      continue;
    }
    if (runStart >= 0 && start === runEnd + 1) runEnd = start;
    else {
      flush();
      runStart = runEnd = start;
    }
  }
  flush();
}

function foldImports(doc: ParsedDocument, ranges: FoldingRange[]): void {
  const lines = doc.file.declarations.filter((d) => d.kind === "Import").map((d) => doc.lineMap.position(d.span.start).line);
  let i = 0;
  while (i < lines.length) {
    let j = i;
    while (j + 1 < lines.length && lines[j + 1]! - lines[j]! <= 1) j++;
    if (j > i) ranges.push({ startLine: lines[i]!, endLine: lines[j]!, kind: FoldingRangeKind.Imports });
    i = j + 1;
  }
}

function dedupe(ranges: FoldingRange[]): FoldingRange[] {
  const seen = new Set<string>();
  return ranges
    .filter((r) => {
      const key = `${r.startLine}:${r.endLine}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);
}
