import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { SourceFile } from "./ast.js";
import { LineMap } from "./line-map.js";
import { Parser } from "./parser.js";

export interface ParseResult {
  file: SourceFile;
  /** `syntax-error` diagnostics in source order; empty when the file parsed cleanly. */
  diagnostics: Diagnostic[];
}

/** Parses one `.mlops` file. Never throws: unreadable parts become diagnostics and are skipped or turned into `ErrorExpr`. */
export function parse(text: string, fileName: string): ParseResult {
  const lineMap = new LineMap(text);
  const file: SourceFile = { kind: "SourceFile", fileName, text, declarations: [], comments: [], span: { start: 0, end: text.length } };
  const errors: Array<{ start: number; end: number; message: string; hints?: string[] }> = [];
  try {
    const parser = new Parser(text);
    file.declarations = parser.parseFile();
    file.comments = parser.comments;
    for (const error of parser.errors) errors.push({ ...error.span, message: error.message, hints: error.hints });
  } catch (error) {
    errors.push({ start: 0, end: 0, message: `the parser failed on this file: ${(error as Error).message}` });
  }
  errors.sort((a, b) => a.start - b.start);
  const diagnostics = errors.map(
    (error): Diagnostic => ({
      code: "syntax-error",
      severity: "error",
      file: fileName,
      range: lineMap.range(error),
      message: error.message,
      hints: error.hints ?? [],
      fixes: [],
    }),
  );
  return { file, diagnostics };
}
