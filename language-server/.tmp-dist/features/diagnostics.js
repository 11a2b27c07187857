import { DiagnosticSeverity, DiagnosticTag } from "vscode-languageserver";
const SEVERITY = {
    error: DiagnosticSeverity.Error,
    warning: DiagnosticSeverity.Warning,
    info: DiagnosticSeverity.Information,
};
/** The compiler's diagnostic as LSP shows it: hints appended to the message, fixes kept in `data`. */
export function toLspDiagnostic(d) {
    const message = d.hints.length > 0 ? `${d.message}\n${d.hints.map((h) => `hint: ${h}`).join("\n")}` : d.message;
    const data = { fixes: d.fixes, hints: d.hints };
    const result = {
        range: d.range,
        severity: SEVERITY[d.severity],
        code: d.code,
        source: "mlops",
        message,
        data,
    };
    if (d.code === "unused-declaration")
        result.tags = [DiagnosticTag.Unnecessary];
    return result;
}
