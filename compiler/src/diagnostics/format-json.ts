import type { Diagnostic } from "./diagnostic.js";

/**
 * `--format json`: exactly one object `{"diagnostics": [...]}`, 0-based LSP
 * positions. Fix edits are included for tools that apply them.
 */
export function formatDiagnosticsJson(diagnostics: readonly Diagnostic[]): string {
  return JSON.stringify(
    {
      diagnostics: diagnostics.map((d) => ({
        file: d.file,
        severity: d.severity,
        code: d.code,
        message: d.message,
        range: d.range,
        hints: d.hints,
        fixes: d.fixes,
      })),
    },
    null,
    2,
  );
}
