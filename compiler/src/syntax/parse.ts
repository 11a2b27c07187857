import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { SourceFile } from "./ast.js";
import { LineMap } from "./line-map.js";
import { Parser } from "./parser.js";

export interface ParseResult {
  file: SourceFile;
  /** `syntax-error` diagnostics in source order; empty when the file parsed cleanly. */
  diagnostics: Diagnostic[];
  lineMap: LineMap;
}

/** A problem the parser or lexer found, at offsets into the text. */
export interface SyntaxProblem {
  start: number;
  end: number;
  message: string;
  hints?: string[];
}

/** Parses one `.mlops` file. Never throws: unreadable parts become diagnostics and are skipped or turned into `ErrorExpr`. */
export function parse(text: string, fileName: string): ParseResult {
  const lineMap = new LineMap(text);
  const file: SourceFile = { kind: "SourceFile", fileName, text, declarations: [], comments: [], span: { start: 0, end: text.length } };
  const errors: SyntaxProblem[] = [];
  try {
    const parser = new Parser(text);
    file.declarations = parser.parseFile();
    file.comments = parser.comments;
    errors.push(...parserProblems(parser));
  } catch (error) {
    errors.push({ start: 0, end: 0, message: `the parser failed on this file: ${(error as Error).message}` });
  }
  errors.sort((a, b) => a.start - b.start);
  return { file, diagnostics: errors.map((error) => syntaxDiagnostic(error, fileName, lineMap)), lineMap };
}

export function parserProblems(parser: Parser): SyntaxProblem[] {
  return parser.errors.map((error) => ({ ...error.span, message: error.message, hints: error.hints }));
}

export function syntaxDiagnostic(error: SyntaxProblem, fileName: string, lineMap: LineMap): Diagnostic {
  return {
    code: "syntax-error",
    severity: "error",
    file: fileName,
    range: lineMap.range(error),
    message: error.message,
    hints: error.hints ?? [],
    fixes: [],
  };
}
