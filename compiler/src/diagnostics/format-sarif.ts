import type { Diagnostic, DiagnosticCode } from "./diagnostic.js";
import { DEFAULT_SEVERITY } from "./diagnostic.js";

export interface SarifOptions {
  toolVersion: string;
  /** The URI of a file relative to the repository root (SARIF `artifactLocation.uri`). */
  fileUri: (file: string) => string;
}

/** One line per diagnostic id: SARIF rule descriptions and the generated reference table. */
export const DIAGNOSTIC_DESCRIPTIONS: Record<DiagnosticCode, string> = {
  "syntax-error": "The parser could not read the file",
  "unknown-reference": "A name resolves to nothing",
  "duplicate-declaration": "Two declarations, columns, features or fields share a name",
  "unknown-field": "A field the block kind does not have",
  "missing-field": "A required field is absent",
  "type-mismatch": "A value of the wrong type",
  "unit-mismatch": "A quantity unit the expected type has no use for",
  "out-of-range": "A literal outside its allowed range",
  "nullable-misuse": "A nullable value used where a non-null one is required",
  "enum-value": "A string that is not a member of the enum",
  "cyclic-reference": "Features, templates or imports that depend on themselves",
  "target-type": "The model target does not fit the task",
  "metric-not-for-task": "A metric the model's task does not have",
  "drift-method-for-type": "A drift method the column type does not support",
  "drift-direction": "A drift threshold compared the wrong way for its method",
  "signature-mismatch": "A pretrained ONNX model does not fit the features or task",
  "invalid-cron": "A cron expression that does not parse",
  "invalid-label": "A Kubernetes label key or value (node selector, toleration) that Kubernetes would reject",
  "secret-exposure": "A secret used where it would be rendered as plain text",
  "unknown-import": "An import that resolves to no file or stdlib module",
  "missing-pipeline": "No pipeline declaration, or more than one",
  "unused-declaration": "A source, feature set or param nothing uses",
  "ignored-setting": "A setting that has no effect where it is written",
  "search-size": "A search with one candidate (nothing to choose) or so many that it will be slow",
  "indistinct-candidates": "Search candidates that train the same model",
  "file-access":
    "A file the compiler will not open: outside the project root, not a regular file (a device, FIFO, socket or folder) or larger than the limit",
  "invalid-encoding": "A source file that is not UTF-8 (UTF-16, or invalid byte sequences)",
  "too-many-errors": "More diagnostics in one file than the limit (1,000): the rest are not shown",
};

/** SARIF 2.1.0 for code scanning in CI. SARIF columns are 1-based. */
export function formatDiagnosticsSarif(diagnostics: readonly Diagnostic[], options: SarifOptions): string {
  const codes = Object.keys(DIAGNOSTIC_DESCRIPTIONS) as DiagnosticCode[];
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "mlops",
            version: options.toolVersion,
            informationUri: "https://github.com/mlops-toolchain/mlops",
            rules: codes.map((code) => ({
              id: code,
              shortDescription: { text: DIAGNOSTIC_DESCRIPTIONS[code] },
              defaultConfiguration: { level: sarifLevel(DEFAULT_SEVERITY[code]) },
            })),
          },
        },
        results: diagnostics.map((d) => ({
          ruleId: d.code,
          ruleIndex: codes.indexOf(d.code),
          level: sarifLevel(d.severity),
          message: { text: d.hints.length > 0 ? `${d.message}\n${d.hints.join("\n")}` : d.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: options.fileUri(d.file) },
                region: {
                  startLine: d.range.start.line + 1,
                  startColumn: d.range.start.character + 1,
                  endLine: d.range.end.line + 1,
                  endColumn: d.range.end.character + 1,
                },
              },
            },
          ],
        })),
      },
    ],
  };
  return JSON.stringify(log, null, 2);
}

function sarifLevel(severity: string): "error" | "warning" | "note" {
  return severity === "error" ? "error" : severity === "warning" ? "warning" : "note";
}
