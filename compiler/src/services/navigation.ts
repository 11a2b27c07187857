/**
 * Editor queries over a checked Program: the symbol at a position, its
 * definition and references, the type of the expression at a position.
 * Pure functions; offsets are UTF-16 offsets into the file's text.
 */
import type { Range } from "../diagnostics/diagnostic.js";
import type { DeclResult, SymbolReference } from "../checker/context.js";
import type { SemanticSymbol } from "../checker/symbols.js";
import type { Type } from "../checker/types.js";
import { typeToString } from "../checker/types.js";
import { normalizePath } from "../host/paths.js";
import type { Program } from "../program/program.js";
import type { Expr, Span } from "../syntax/ast.js";

export interface Location {
  file: string;
  span: Span;
  range: Range;
}

function contains(span: Span, offset: number): boolean {
  return span.start <= offset && offset <= span.end;
}

/** Results of the declarations written in `file` (checked on demand). */
export function resultsInFile(program: Program, file: string): DeclResult[] {
  const path = normalizePath(file);
  return program
    .symbols()
    .all.filter((s) => s.file.path === path)
    .map((s) => program.result(s));
}

/** Every reference of the whole program (declarations included, as references to themselves). */
export function allReferences(program: Program): SymbolReference[] {
  return program.results().flatMap((r) => r.references);
}

/** The symbol whose name is at `offset` (a use or the defining identifier). */
export function symbolAt(program: Program, file: string, offset: number): SymbolReference | undefined {
  const path = normalizePath(file);
  let best: SymbolReference | undefined;
  for (const r of resultsInFile(program, path).concat(program.results())) {
    for (const ref of r.references) {
      if (ref.file !== path || !contains(ref.span, offset)) continue;
      if (!best || ref.span.end - ref.span.start < best.span.end - best.span.start) best = ref;
    }
    if (best) break;
  }
  return best;
}

export function locationOf(program: Program, file: string, span: Span): Location {
  const f = program.file(file);
  const range = f ? f.lineMap.range(span) : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return { file, span, range };
}

/** Where the symbol at `offset` is defined. */
export function definition(program: Program, file: string, offset: number): Location | undefined {
  const ref = symbolAt(program, file, offset);
  return ref ? locationOf(program, ref.symbol.file, ref.symbol.span) : undefined;
}

/** Every place the symbol at `offset` is named, its definition first (when `includeDeclaration`). */
export function references(program: Program, file: string, offset: number, includeDeclaration = true): Location[] {
  const ref = symbolAt(program, file, offset);
  if (!ref) return [];
  return referencesOf(program, ref.symbol, includeDeclaration);
}

export function referencesOf(program: Program, symbol: SemanticSymbol, includeDeclaration = true): Location[] {
  const seen = new Set<string>();
  const out: Location[] = [];
  const add = (file: string, span: Span): void => {
    const k = `${file}:${span.start}:${span.end}`;
    if (seen.has(k)) return;
    seen.add(k);
    out.push(locationOf(program, file, span));
  };
  if (includeDeclaration) add(symbol.file, symbol.span);
  const isDecl = (r: SymbolReference): boolean =>
    r.file === symbol.file && r.span.start === symbol.span.start && r.span.end === symbol.span.end;
  const refs = allReferences(program)
    .filter((r) => r.symbol.key === symbol.key && !isDecl(r))
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.span.start - b.span.start));
  for (const r of refs) add(r.file, r.span);
  return out;
}

/** The innermost expression containing `offset` that has a checked type. */
export function typeAt(program: Program, file: string, offset: number): { type: Type; text: string; span: Span; expr: Expr } | undefined {
  const results = resultsInFile(program, file).filter((r) => contains(r.symbol.node.span, offset));
  let best: { type: Type; expr: Expr } | undefined;
  for (const r of results) {
    for (const [expr, type] of r.exprTypes) {
      if (!contains(expr.span, offset)) continue;
      if (!best || expr.span.end - expr.span.start < best.expr.span.end - best.expr.span.start) best = { type, expr };
    }
  }
  return best ? { ...best, text: typeToString(best.type), span: best.expr.span } : undefined;
}
