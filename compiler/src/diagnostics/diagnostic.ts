/**
 * The one diagnostic model of the product: the CLI, the language server, the
 * conformance runner and the runtime's plan loader all speak it.
 */

/** 0-based line and UTF-16 character, as in LSP. */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export type Severity = "error" | "warning" | "info";

/** Stable kebab-case ids (LANGUAGE.md §4). Never rename one: CI configs and editors key on them. */
export type DiagnosticCode =
  | "syntax-error"
  | "unknown-reference"
  | "duplicate-declaration"
  | "unknown-field"
  | "missing-field"
  | "type-mismatch"
  | "unit-mismatch"
  | "out-of-range"
  | "nullable-misuse"
  | "enum-value"
  | "cyclic-reference"
  | "target-type"
  | "metric-not-for-task"
  | "drift-method-for-type"
  | "drift-direction"
  | "signature-mismatch"
  | "invalid-cron"
  | "invalid-label"
  | "secret-exposure"
  | "unknown-import"
  | "missing-pipeline"
  | "unused-declaration"
  | "ignored-setting"
  | "search-size"
  | "indistinct-candidates"
  | "file-access"
  | "invalid-encoding"
  | "too-many-errors";

export interface TextEdit {
  /** File the edit applies to (the diagnostic's file when omitted). */
  file?: string;
  range: Range;
  newText: string;
}

/** A quick fix the editor can apply: a title and the edits that make it. */
export interface Fix {
  title: string;
  edits: TextEdit[];
}

export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  /** The file the range is in, as the host names it. */
  file: string;
  range: Range;
  /** Names the thing and what was expected. */
  message: string;
  /** Extra lines: "did you mean `amount`?", "valid units: Ki, Mi, Gi, Ti". */
  hints: string[];
  fixes: Fix[];
}

export const DEFAULT_SEVERITY: Record<DiagnosticCode, Severity> = {
  "syntax-error": "error",
  "unknown-reference": "error",
  "duplicate-declaration": "error",
  "unknown-field": "error",
  "missing-field": "error",
  "type-mismatch": "error",
  "unit-mismatch": "error",
  "out-of-range": "error",
  "nullable-misuse": "error",
  "enum-value": "error",
  "cyclic-reference": "error",
  "target-type": "error",
  "metric-not-for-task": "error",
  "drift-method-for-type": "error",
  "drift-direction": "error",
  "signature-mismatch": "error",
  "invalid-cron": "error",
  "invalid-label": "error",
  "secret-exposure": "error",
  "unknown-import": "error",
  "missing-pipeline": "error",
  "unused-declaration": "warning",
  "ignored-setting": "warning",
  "search-size": "warning",
  "indistinct-candidates": "warning",
  "file-access": "error",
  "invalid-encoding": "error",
  "too-many-errors": "error",
};

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** Sort by file, then position, then code: the order every output uses. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    a.range.start.line - b.range.start.line ||
    a.range.start.character - b.range.start.character ||
    (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)
  );
}
