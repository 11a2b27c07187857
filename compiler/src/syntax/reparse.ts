/**
 * Parsing a file again after an edit by reading only a window of declarations
 * around the change: the declarations before and after it are the old nodes.
 *
 * The window runs from a declaration boundary before the change to one after
 * it. A boundary is a declaration at the start of a line right after a blank
 * line: there the lexer has no pending doc comment and is inside no comment,
 * and the parser is between declarations, so a full parse of the new text
 * reads the text outside the window exactly as the old parse did. The parser
 * only looks at the first line of the declaration after the window (a line that
 * starts a declaration ends whatever was left open), so the window is lexed up
 * to there. Where this cannot be told for sure (a syntax error or a comment at a
 * boundary, a declaration that runs into the next one), `reparseWindow` gives
 * up and the caller parses the whole file.
 */
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { Comment, Declaration, SourceFile } from "./ast.js";
import { LineMap } from "./line-map.js";
import type { ParseResult, SyntaxProblem } from "./parse.js";
import { parse, parserProblems, syntaxDiagnostic } from "./parse.js";
import { Parser } from "./parser.js";
import type { TextChange } from "./text-change.js";
import { mapOffset } from "./text-change.js";

/** A parse of the old text (what `parse` returned for it). */
export interface PreviousParse {
  text: string;
  ast: SourceFile;
  lineMap: LineMap;
  syntaxDiagnostics: readonly Diagnostic[];
}

export interface Reparse {
  /** The new parse: old nodes outside the window (spans still at old offsets until `moving` is moved), new ones inside. */
  parsed: ParseResult;
  /** Declarations of the old text the window replaced, and the new ones parsed for them. */
  oldDeclarations: readonly Declaration[];
  newDeclarations: readonly Declaration[];
  /** Old nodes (declarations and comments) after the change, whose spans the caller moves to the new offsets. */
  moving: object[];
}

/** The new text's parse, reading only the window around the change when that is sure to read the same, else all of it. */
export function reparse(previous: PreviousParse, text: string, change: TextChange): Reparse {
  const window = reparseWindow(previous, text, change);
  if (window) return window;
  const parsed = parse(text, previous.ast.fileName);
  return { parsed, oldDeclarations: previous.ast.declarations, newDeclarations: parsed.file.declarations, moving: [] };
}

function reparseWindow(previous: PreviousParse, text: string, change: TextChange): Reparse | undefined {
  if (previous.syntaxDiagnostics.some((d) => d.message.startsWith("the parser failed"))) return undefined;
  const decls = previous.ast.declarations;
  const problemOffsets = previous.syntaxDiagnostics.map((d) => previous.lineMap.offset(d.range.start));
  const isBoundary = (i: number): boolean => boundaryAt(previous.text, decls[i]!.span.start, problemOffsets);
  const first = windowStart(decls, previous.text, change, isBoundary);
  const last = windowEnd(decls, change, isBoundary);
  const oldStart = first === 0 ? 0 : decls[first]!.span.start;
  const oldEnd = last === decls.length ? previous.text.length : decls[last]!.span.start;
  const window = parseRange(text, oldStart, last === decls.length ? undefined : mapOffset(oldEnd, change));
  if (!window) return undefined;
  const lineMap = new LineMap(text);
  const before = (offset: number): boolean => offset < oldStart;
  const after = (offset: number): boolean => offset >= oldEnd && last < decls.length;
  const comments = previous.ast.comments;
  const keptComments = comments.filter((c) => after(c.span.start));
  const diagnostics = [
    ...previous.syntaxDiagnostics.filter((_, i) => before(problemOffsets[i]!)),
    ...window.problems.map((problem) => syntaxDiagnostic(problem, previous.ast.fileName, lineMap)),
    ...previous.syntaxDiagnostics
      .filter((_, i) => after(problemOffsets[i]!))
      .map((d) => movedDiagnostic(d, previous.lineMap, lineMap, change)),
  ];
  const file: SourceFile = {
    kind: "SourceFile",
    fileName: previous.ast.fileName,
    text,
    declarations: [...decls.slice(0, first), ...window.declarations, ...decls.slice(last)],
    comments: [...comments.filter((c) => before(c.span.start)), ...window.comments, ...keptComments],
    span: { start: 0, end: text.length },
  };
  return {
    parsed: { file, diagnostics, lineMap },
    oldDeclarations: decls.slice(first, last),
    newDeclarations: window.declarations,
    moving: [...decls.slice(last), ...keptComments],
  };
}

/** The last boundary whose first line ends before the change (the parse before it looks at that line), else 0. */
function windowStart(decls: readonly Declaration[], text: string, change: TextChange, isBoundary: (i: number) => boolean): number {
  for (let i = decls.length - 1; i > 0; i--) {
    if (lineEnd(text, decls[i]!.span.start) < change.start && isBoundary(i)) return i;
  }
  return 0;
}

/** The first boundary after the change, blank line included, else the number of declarations (the window runs to the end). */
function windowEnd(decls: readonly Declaration[], change: TextChange, isBoundary: (i: number) => boolean): number {
  for (let i = 0; i < decls.length; i++) {
    if (decls[i]!.span.start - 2 >= change.oldEnd && isBoundary(i)) return i;
  }
  return decls.length;
}

/** A declaration right after a blank line, with no syntax problem from that blank line to the end of its first line. */
function boundaryAt(text: string, start: number, problemOffsets: readonly number[]): boolean {
  if (start < 2 || text.charCodeAt(start - 1) !== 10 || text.charCodeAt(start - 2) !== 10) return false;
  const end = lineEnd(text, start);
  return !problemOffsets.some((offset) => offset >= start - 2 && offset <= end);
}

interface ParsedRange {
  declarations: Declaration[];
  comments: Comment[];
  problems: SyntaxProblem[];
}

/**
 * The declarations from `start` up to the one at `stop` (to the end of the text
 * without it). Undefined when the parse reached `stop`'s blank line (a
 * declaration, comment or problem running into it).
 */
function parseRange(text: string, start: number, stop: number | undefined): ParsedRange | undefined {
  const lexEnd = stop === undefined ? text.length : lineEnd(text, lineEnd(text, stop) + 1);
  const limit = stop ?? Number.POSITIVE_INFINITY;
  try {
    const parser = new Parser(text, { start, end: lexEnd });
    const declarations = parser.parseFile(limit);
    const problems = parserProblems(parser).sort((a, b) => a.start - b.start);
    const comments = parser.comments.filter((c) => c.span.start < limit);
    const stoppedThere = parser.offset === (stop ?? text.length);
    const clear =
      stoppedThere &&
      declarations.every((d) => d.span.end < limit - 1) &&
      problems.every((p) => p.start < limit - 2) &&
      comments.every((c) => c.span.end < limit - 1);
    return clear ? { declarations, comments, problems } : undefined;
  } catch {
    return undefined;
  }
}

function lineEnd(text: string, offset: number): number {
  const end = text.indexOf("\n", offset);
  return end === -1 ? text.length : end;
}

function movedDiagnostic(diagnostic: Diagnostic, oldLineMap: LineMap, newLineMap: LineMap, change: TextChange): Diagnostic {
  const move = (position: Diagnostic["range"]["start"]) => newLineMap.position(mapOffset(oldLineMap.offset(position), change));
  return { ...diagnostic, range: { start: move(diagnostic.range.start), end: move(diagnostic.range.end) } };
}
