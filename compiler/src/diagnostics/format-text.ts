import { LineMap } from "../syntax/line-map.js";
import type { Diagnostic } from "./diagnostic.js";
import { count } from "../util/count.js";
import { escapeControl, frameLine } from "./terminal-text.js";

export interface TextFormatOptions {
  /** ANSI colors (only on a TTY). */
  color: boolean;
  /** How the file is named in the header line (relative to the cwd, usually). */
  displayPath?: (file: string) => string;
}

const ansi = {
  red: (s: string) => `\x1b[31m${s}\x1b[39m`,
  yellow: (s: string) => `\x1b[33m${s}\x1b[39m`,
  blue: (s: string) => `\x1b[34m${s}\x1b[39m`,
  cyan: (s: string) => `\x1b[36m${s}\x1b[39m`,
  bold: (s: string) => `\x1b[1m${s}\x1b[22m`,
  dim: (s: string) => `\x1b[2m${s}\x1b[22m`,
};
const plain = { red: id, yellow: id, blue: id, cyan: id, bold: id, dim: id };
function id(s: string): string {
  return s;
}

/**
 * One diagnostic as a compiler would print it:
 *
 *   data.mlops:19:7: error[unknown-reference]: `amount` is not a column of source `s`
 *      |
 *   19 |   a = log1p(amount)
 *      |             ^^^^^^
 *      = hint: did you mean `amt`?
 */
export function formatDiagnosticText(diagnostic: Diagnostic, source: string | LineMap | undefined, options: TextFormatOptions): string {
  const c = options.color ? ansi : plain;
  const { start } = diagnostic.range;
  const path = escapeControl(options.displayPath ? options.displayPath(diagnostic.file) : diagnostic.file);
  const severityText =
    diagnostic.severity === "error" ? c.red("error") : diagnostic.severity === "warning" ? c.yellow("warning") : c.blue("info");
  const lines = [
    `${c.bold(`${path}:${start.line + 1}:${start.character + 1}`)}: ${severityText}[${diagnostic.code}]: ${c.bold(escapeControl(diagnostic.message))}`,
  ];
  if (source !== undefined) lines.push(...codeFrame(diagnostic, typeof source === "string" ? new LineMap(source) : source, c));
  for (const hint of diagnostic.hints) lines.push(`${" ".repeat(gutterWidth(diagnostic))} ${c.cyan("=")} hint: ${escapeControl(hint)}`);
  return lines.join("\n");
}

function gutterWidth(diagnostic: Diagnostic): number {
  return String(diagnostic.range.end.line + 1).length + 1;
}

function codeFrame(diagnostic: Diagnostic, source: LineMap, c: typeof plain): string[] {
  const { start, end } = diagnostic.range;
  const width = gutterWidth(diagnostic);
  const gutter = (n?: number) => c.blue(`${n === undefined ? " ".repeat(width) : String(n).padStart(width)} |`);
  const out = [gutter()];
  const lastLine = Math.min(end.line, start.line + 4, source.lineCount - 1);
  for (let line = start.line; line <= lastLine; line++) {
    const text = source.lineText(line);
    const from = line === start.line ? start.character : firstNonSpace(text);
    const to = line === end.line ? end.character : text.length;
    const framed = frameLine(text, Math.min(from, text.length), to);
    out.push(`${gutter(line + 1)} ${framed.text}`);
    const color = diagnostic.severity === "error" ? c.red : c.yellow;
    out.push(`${gutter()} ${" ".repeat(framed.caretStart)}${color("^".repeat(framed.caretLength))}`);
  }
  return out;
}

function firstNonSpace(text: string): number {
  const i = text.search(/\S/);
  return Math.max(i, 0);
}

/** The closing summary line: `2 errors, 1 warning in 3 files`. */
export function formatSummary(diagnostics: readonly Diagnostic[], fileCount: number): string {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.filter((d) => d.severity === "warning").length;
  return `${count(errors, "error")}, ${count(warnings, "warning")} in ${count(fileCount, "file")}`;
}
