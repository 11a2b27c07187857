/**
 * What an edit would do: a separate program over the same files with one
 * file's text replaced, so a fix can be checked before it is offered. The
 * original program is not touched; only the declarations asked about are
 * checked (results are lazy), and the separate program is kept and edited
 * incrementally from one question to the next.
 */
import type { Diagnostic, Fix } from "../diagnostics/diagnostic.js";
import type { CompilerHost } from "../host/host.js";
import { OverlayHost } from "../host/overlay-host.js";
import { normalizePath } from "../host/paths.js";
import type { Program } from "../program/program.js";
import { createProgram } from "../program/program.js";
import type { DeclSymbol } from "../checker/symbols.js";
import { LineMap } from "../syntax/line-map.js";

/** The host of a program with one file's text replaced; `replace` moves the replacement. */
class ReplacedFile {
  readonly host: OverlayHost;
  constructor(
    base: CompilerHost,
    private path: string,
    private text: string,
  ) {
    this.host = new OverlayHost((p) => (normalizePath(p) === this.path ? this.text : undefined), base);
  }

  replace(path: string, text: string): void {
    this.path = path;
    this.text = text;
  }
}

/**
 * One scratch program per program asked about: a second compilation of the same files, kept in step
 * with the original by incremental `updateFile`s, so a what-if costs about what an edit costs (a window
 * re-parsed, the dependents of the edited declaration re-checked) instead of a whole new compilation.
 */
const scratchPrograms = new WeakMap<Program, { replaced: ReplacedFile; program: Program }>();

/**
 * `program`'s compilation with `path` reading `text`. The program returned is a scratch copy, reused and
 * changed by the next call for the same `program`: read what you need from it before asking again.
 */
export function programWithText(program: Program, path: string, text: string): Program {
  const p = normalizePath(path);
  const scratch = scratchPrograms.get(program);
  if (scratch && sameFiles(scratch.program, program)) {
    scratch.replaced.replace(p, text);
    if (scratch.program.env !== program.env) scratch.program.setEnv(program.env);
    for (const file of program.files()) {
      const wanted = file.path === p ? text : file.text;
      if (scratch.program.file(file.path)?.text !== wanted) scratch.program.updateFile(file.path, wanted);
    }
    if (sameFiles(scratch.program, program)) return scratch.program;
  }
  const replaced = new ReplacedFile(program.host, p, text);
  const fresh = createProgram({
    host: replaced.host,
    rootFiles: [...program.rootFiles],
    ...(program.projectRoot !== undefined ? { projectRoot: program.projectRoot } : {}),
    allowRead: [...program.allowRead],
    ...(program.env !== undefined ? { env: program.env } : {}),
  });
  scratchPrograms.set(program, { replaced, program: fresh });
  return fresh;
}

/** Same roots and same loaded files (an import that resolves differently makes a new scratch program). */
function sameFiles(a: Program, b: Program): boolean {
  if (a.rootFiles.join("\u0000") !== b.rootFiles.join("\u0000")) return false;
  const paths = (p: Program) =>
    p
      .files()
      .map((f) => f.path)
      .join("\u0000");
  return paths(a) === paths(b);
}

/**
 * The errors of the declaration of `path` that starts at `start` in `edited` (its syntax errors and
 * its check's errors), or undefined when no declaration starts there any more.
 */
export function declarationErrors(edited: Program, path: string, start: number): Diagnostic[] | undefined {
  const p = normalizePath(path);
  const symbol: DeclSymbol | undefined = edited.symbols().all.find((s) => s.file.path === p && s.node.span.start === start);
  const file = edited.file(p);
  if (!symbol || !file) return undefined;
  const end = symbol.node.span.end;
  const syntax = file.syntaxDiagnostics.filter((d) => {
    const offset = file.lineMap.offset(d.range.start);
    return start <= offset && offset <= end;
  });
  return [...syntax, ...edited.result(symbol).diagnostics.filter((d) => d.severity === "error")];
}

/**
 * True when applying `fix` (its edits in one file) leaves no new error on the lines it writes: the
 * check of the declaration it edits, on a copy of the program, reports nothing there that it did
 * not report before.
 */
export function fixChecks(program: Program, fix: Fix): boolean {
  const path = fix.edits[0]?.file;
  const file = path === undefined ? undefined : program.file(path);
  if (!file || fix.edits.some((e) => e.file !== path)) return false;
  const edits = fix.edits
    .map((e) => ({ start: file.lineMap.offset(e.range.start), end: file.lineMap.offset(e.range.end), text: e.newText }))
    .sort((a, b) => b.start - a.start);
  const symbol = program
    .symbols()
    .all.find((s) => s.file === file && s.node.span.start <= edits.at(-1)!.start && edits[0]!.end <= s.node.span.end + 1);
  if (!symbol) return false;
  let text = file.text;
  for (const e of edits) text = text.slice(0, e.start) + e.text + text.slice(e.end);
  // the written region in the new text: from the first edit's start to the end of the last edit's text
  const last = edits[0]!;
  const shiftBeforeLast = edits.slice(1).reduce((sum, e) => sum + e.text.length - (e.end - e.start), 0);
  const from = edits.at(-1)!.start;
  const to = last.start + shiftBeforeLast + last.text.length;
  const errors = declarationErrors(programWithText(program, file.path, text), file.path, symbol.node.span.start);
  if (!errors) return false;
  const known = new Set(program.result(symbol).diagnostics.map((d) => `${d.code}\u0000${d.message}`));
  const lines = new LineMap(text);
  const [firstLine, lastLine] = [lines.position(from).line, lines.position(to).line];
  return !errors.some(
    (d) => d.range.start.line >= firstLine && d.range.start.line <= lastLine && !known.has(`${d.code}\u0000${d.message}`),
  );
}
