import type { CliIO } from "./command.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { LineMap } from "../syntax/line-map.js";
import { formatDiagnosticText, formatSummary } from "../diagnostics/format-text.js";
import { formatDiagnosticsJson } from "../diagnostics/format-json.js";
import { formatDiagnosticsSarif } from "../diagnostics/format-sarif.js";
import { VERSION } from "../version.js";

export type DiagnosticsFormat = "text" | "json" | "sarif";

export interface PrintOptions {
  fileCount: number;
  /** The text of a file as the compilation read it (never read again from disk: only files the compiler accepted are shown). */
  source(file: string): LineMap | undefined;
  displayPath(file: string): string;
}

/** Prints diagnostics in the chosen format: text to stderr-free stdout with a summary, JSON/SARIF as one document. */
export function printDiagnostics(diagnostics: Diagnostic[], format: DiagnosticsFormat, io: CliIO, options: PrintOptions): void {
  if (format === "json") {
    io.stdout(`${formatDiagnosticsJson(diagnostics)}\n`);
    return;
  }
  if (format === "sarif") {
    io.stdout(`${formatDiagnosticsSarif(diagnostics, { toolVersion: VERSION, fileUri: options.displayPath })}\n`);
    return;
  }
  const color = io.isTTY && io.env.NO_COLOR === undefined;
  let chunk = "";
  for (const diagnostic of diagnostics) {
    chunk += `${formatDiagnosticText(diagnostic, options.source(diagnostic.file), { color, displayPath: options.displayPath })}\n\n`;
    if (chunk.length > 64 * 1024) {
      io.stdout(chunk);
      chunk = "";
    }
  }
  io.stdout(`${chunk}${formatSummary(diagnostics, options.fileCount)}\n`);
}
