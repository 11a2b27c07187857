import type { Analysis } from "./analysis.js";
import type { CheckResult, DiagnosticsSource } from "./diagnostics-scheduler.js";
import type { Workspace } from "./workspace.js";

/** Checks in the server's own thread: in a browser (already a Web Worker), and when no worker thread can be started. */
export class InProcessDiagnostics implements DiagnosticsSource {
  constructor(
    private readonly workspace: Workspace,
    private readonly analysis: Analysis,
  ) {}

  async check(): Promise<CheckResult> {
    const diagnostics = this.analysis.diagnostics();
    const versions = new Map<string, number>();
    for (const path of this.workspace.openPaths()) versions.set(path, this.workspace.documentVersion(path)!);
    return { diagnostics, versions };
  }
}
