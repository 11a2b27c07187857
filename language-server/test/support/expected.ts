import { join } from "node:path";
import type { Diagnostic } from "vscode-languageserver-protocol";
import { createProgram, OverlayHost } from "@mlops/compiler";
import { NodeHost } from "@mlops/compiler/node";
import { repoRoot } from "./build-server.js";

/**
 * What the compiler itself reports for `text` at `path` (through the CLI's `NodeHost`:
 * the other files from disk, the repository's stdlib), as the server publishes it: the
 * compilation's diagnostics of that file, hints appended to the message, hints and fixes in `data`.
 */
export function expectedDiagnostics(path: string, text: string): Diagnostic[] {
  const host = new OverlayHost((p) => (p === path ? text : undefined), new NodeHost({ stdlibDir: join(repoRoot, "stdlib/std") }));
  const program = createProgram({ host, rootFiles: [path] });
  return program
    .diagnostics()
    .filter((d) => d.file === path)
    .map((d) => ({
      range: d.range,
      severity: d.severity === "error" ? 1 : d.severity === "warning" ? 2 : 3,
      code: d.code,
      message: d.hints.length > 0 ? `${d.message}\n${d.hints.map((h) => `hint: ${h}`).join("\n")}` : d.message,
      data: { fixes: d.fixes, hints: d.hints },
    }));
}
