/**
 * Editing a file without re-checking what the edit did not touch.
 *
 * `patchFile` parses the new text again (only a window around the change when
 * it can: `syntax/reparse.ts`), keeps the syntax nodes of the old tree for every
 * declaration the edit left alone (same text, same doc comment) and moves their
 * spans to the new offsets, in place. The file object is
 * updated in place too, so symbols, check results and infos that hold these
 * nodes or the file stay valid by identity. What check results hold besides
 * nodes (spans of references and annotations, line/character ranges of
 * diagnostics and fixes) is moved with them.
 *
 * Invariant: after a patch, every position a check result holds for text
 * outside the edit is in the coordinates of the new text. Results that read an
 * edited declaration are dropped by the program (their dependency keys are dirty).
 */
import type { Diagnostic, Fix, Position, Range } from "../diagnostics/diagnostic.js";
import type { CompilerHost } from "../host/host.js";
import type { DeclResult } from "../checker/context.js";
import { bindFile, rebindFile } from "../checker/symbols.js";
import type { Declaration, Span } from "../syntax/ast.js";
import type { LineMap } from "../syntax/line-map.js";
import { reparse } from "../syntax/reparse.js";
import type { TextChange } from "../syntax/text-change.js";
import { changeDelta, diffText, mapOffset, moveNode, moveSpan, movesPositions } from "../syntax/text-change.js";
import type { ProgramFile } from "./source-files.js";
import { resolveImports } from "./source-files.js";

/** What a patch did to one file: enough to move the positions check results hold. */
interface FilePatch {
  path: string;
  change: TextChange;
  oldLineMap: LineMap;
  newLineMap: LineMap;
  /** Spans moved so far (check results share some with each other and with syntax nodes). */
  moved: Set<Span>;
}

/**
 * Replaces the text of `file` (in place), keeping the nodes and symbols of the
 * declarations the edit did not touch, and moves the positions that `results`
 * (the program's memoised check results that can point into this file) hold into the new text.
 */
export function patchFile(host: CompilerHost, file: ProgramFile, text: string, isStdlib: boolean, results: Iterable<DeclResult>): void {
  const change = diffText(file.text, text);
  const previousSymbols = bindFile(file);
  const { parsed, oldDeclarations, newDeclarations, moving } = reparse(file, text, change);
  const kept = unchangedDeclarations(oldDeclarations, newDeclarations, change);
  for (const node of kept.values()) if (node.span.start >= change.oldEnd) moving.push(node);
  const patch: FilePatch = { path: file.path, change, oldLineMap: file.lineMap, newLineMap: parsed.lineMap, moved: new Set() };
  if (movesPositions(change, file.text, text)) {
    moveResults(results, patch);
    for (const node of moving) moveNode(node, change, patch.moved);
  }
  parsed.file.declarations = parsed.file.declarations.map((decl) => kept.get(decl) ?? decl);
  file.text = text;
  file.ast = parsed.file;
  file.lineMap = parsed.lineMap;
  file.syntaxDiagnostics = parsed.diagnostics;
  file.imports = resolveImports(host, file.path, parsed.file);
  file.isStdlib = isStdlib;
  rebindFile(file, previousSymbols);
}

/**
 * New declaration → the old node it can replace: one entirely before the change
 * or entirely after it (a character apart, so no token of it touches the edit),
 * at the same place relative to the change, of the same length and doc comment.
 * Text outside the change is identical, so such a declaration parses the same.
 */
function unchangedDeclarations(
  oldDecls: readonly Declaration[],
  newDecls: readonly Declaration[],
  change: TextChange,
): Map<Declaration, Declaration> {
  const oldByStart = new Map<number, Declaration>(oldDecls.map((d) => [d.span.start, d]));
  const delta = changeDelta(change);
  const out = new Map<Declaration, Declaration>();
  for (const decl of newDecls) {
    const oldStart = decl.span.end < change.start ? decl.span.start : decl.span.start > change.newEnd ? decl.span.start - delta : undefined;
    const candidate = oldStart === undefined ? undefined : oldByStart.get(oldStart);
    if (candidate && sameDeclaration(candidate, decl)) out.set(decl, candidate);
  }
  return out;
}

function sameDeclaration(a: Declaration, b: Declaration): boolean {
  return a.kind === b.kind && a.span.end - a.span.start === b.span.end - b.span.start && a.doc === b.doc;
}

/** Moves the positions check results hold into the patched file's new text. */
function moveResults(results: Iterable<DeclResult>, patch: FilePatch): void {
  for (const result of results) {
    for (const reference of result.references) {
      if (reference.file === patch.path) moveSpan(reference.span, patch.change, patch.moved);
      if (reference.symbol.file === patch.path) moveSpan(reference.symbol.span, patch.change, patch.moved);
    }
    for (const annotation of result.annotations) if (annotation.file === patch.path) moveSpan(annotation.span, patch.change, patch.moved);
    for (let i = 0; i < result.diagnostics.length; i++) result.diagnostics[i] = movedDiagnostic(result.diagnostics[i]!, patch);
  }
}

/** A copy of the diagnostic with its ranges in the patched file moved (diagnostics already handed out stay as they were). */
function movedDiagnostic(diagnostic: Diagnostic, patch: FilePatch): Diagnostic {
  const inFile = diagnostic.file === patch.path;
  const fixesInFile = diagnostic.fixes.some((fix) => fix.edits.some((edit) => edit.file === patch.path));
  if (!inFile && !fixesInFile) return diagnostic;
  return {
    ...diagnostic,
    range: inFile ? movedRange(diagnostic.range, patch) : diagnostic.range,
    fixes: fixesInFile ? diagnostic.fixes.map((fix) => movedFix(fix, patch)) : diagnostic.fixes,
  };
}

function movedFix(fix: Fix, patch: FilePatch): Fix {
  return { ...fix, edits: fix.edits.map((edit) => (edit.file === patch.path ? { ...edit, range: movedRange(edit.range, patch) } : edit)) };
}

function movedRange(range: Range, patch: FilePatch): Range {
  return { start: movedPosition(range.start, patch), end: movedPosition(range.end, patch) };
}

function movedPosition(position: Position, patch: FilePatch): Position {
  return patch.newLineMap.position(mapOffset(patch.oldLineMap.offset(position), patch.change));
}
