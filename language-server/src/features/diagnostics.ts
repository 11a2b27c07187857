import { DiagnosticSeverity, DiagnosticTag, type Diagnostic as LspDiagnostic } from "vscode-languageserver";
import type { Diagnostic } from "@mlops/compiler";

/** What a published diagnostic carries for code actions: the compiler's own fixes. */
export interface DiagnosticData {
  fixes: Diagnostic["fixes"];
  hints: string[];
}

const SEVERITY: Record<Diagnostic["severity"], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

/** The compiler's diagnostic as LSP shows it: hints appended to the message, fixes kept in `data`. */
export function toLspDiagnostic(d: Diagnostic): LspDiagnostic {
  const message = d.hints.length > 0 ? `${d.message}\n${d.hints.map((h) => `hint: ${h}`).join("\n")}` : d.message;
  const data: DiagnosticData = { fixes: d.fixes, hints: d.hints };
  const result: LspDiagnostic = {
    range: d.range,
    severity: SEVERITY[d.severity],
    code: d.code,
    source: "mlops",
    message,
    data,
  };
  if (d.code === "unused-declaration") result.tags = [DiagnosticTag.Unnecessary];
  return result;
}
