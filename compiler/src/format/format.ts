import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { parse } from "../syntax/parse.js";
import { Layout } from "./layout.js";
import { sameTree } from "./same-tree.js";

export interface FormatResult {
  text: string;
  /** The file's syntax errors; when there are any, `text` is the input unchanged. */
  diagnostics: Diagnostic[];
  changed: boolean;
}

/**
 * Formats one `.mlops` file in the canonical layout. Keeps every comment and never
 * changes meaning: the output is re-parsed and compared with the input, and in the
 * (unexpected) case that they differ the input is returned unchanged.
 */
export function format(text: string, fileName: string): FormatResult {
  const parsed = parse(text, fileName);
  if (parsed.diagnostics.length > 0) return { text, diagnostics: parsed.diagnostics, changed: false };
  const output = new Layout(parsed.file).print();
  const reparsed = parse(output, fileName);
  if (reparsed.diagnostics.length > 0 || !sameTree(parsed.file, reparsed.file)) {
    return { text, diagnostics: [], changed: false };
  }
  return { text: output, diagnostics: [], changed: output !== text };
}
