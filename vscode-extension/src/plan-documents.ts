import * as vscode from "vscode";

export const planScheme = "mlops-plan";

/** Serves compiled plans as read-only virtual JSON documents (`mlops-plan:` URIs). */
export class PlanDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly changes = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changes.event;

  /** Stores the plan's text under a URI named for the source and env; returns that URI. */
  publish(source: vscode.Uri, env: string | null, text: string): vscode.Uri {
    const name = source.path.replace(/^.*\//, "").replace(/\.mlops$/, "");
    const suffix = env === null ? "" : `.${env}`;
    const uri = vscode.Uri.from({
      scheme: planScheme,
      path: `/${name}${suffix}.plan.json`,
      query: new URLSearchParams({ source: source.toString(), env: env ?? "" }).toString(),
    });
    this.contents.set(uri.toString(), text);
    this.changes.fire(uri);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '// This plan is no longer available: run "MLOps: Show Compiled Plan" again.\n';
  }

  dispose(): void {
    this.changes.dispose();
    this.contents.clear();
  }
}
