import { editor, Uri } from "monaco-editor/editor/editor.api.js";
import { toMarkerData } from "monaco-languageserver-types";
import type * as lsp from "vscode-languageserver-protocol";
import type { ProtocolConnection } from "vscode-languageserver-protocol/browser";

const OWNER = "mlops";

export interface PublishedDiagnostics {
  uri: string;
  diagnostics: lsp.Diagnostic[];
}

/**
 * The diagnostics the server publishes: markers on the Monaco models (the
 * marker's `code` is the diagnostic id), and the LSP originals, whose `data`
 * carries the compiler's fixes for code actions.
 */
export class DiagnosticsStore {
  private readonly byUri = new Map<string, lsp.Diagnostic[]>();
  private readonly listeners: Array<(published: PublishedDiagnostics) => void> = [];

  constructor(connection: ProtocolConnection) {
    connection.onNotification("textDocument/publishDiagnostics", (params: lsp.PublishDiagnosticsParams) => this.publish(params));
  }

  onDidPublish(listener: (published: PublishedDiagnostics) => void): void {
    this.listeners.push(listener);
  }

  all(): PublishedDiagnostics[] {
    return [...this.byUri].map(([uri, diagnostics]) => ({ uri, diagnostics }));
  }

  /** The published diagnostics that match the ones Monaco hands back (same range, code and message). */
  originals(uri: string, fromMarkers: lsp.Diagnostic[]): lsp.Diagnostic[] {
    const published = this.byUri.get(uri) ?? [];
    return fromMarkers.map(
      (marker) =>
        published.find(
          (d) =>
            d.message === marker.message &&
            String(d.code) === String(marker.code) &&
            d.range.start.line === marker.range.start.line &&
            d.range.start.character === marker.range.start.character &&
            d.range.end.line === marker.range.end.line &&
            d.range.end.character === marker.range.end.character,
        ) ?? marker,
    );
  }

  /** Markers again for a model created after its diagnostics arrived. */
  applyTo(model: editor.ITextModel): void {
    const diagnostics = this.byUri.get(model.uri.toString());
    if (diagnostics) editor.setModelMarkers(model, OWNER, diagnostics.map(toMarkerData));
  }

  private publish(params: lsp.PublishDiagnosticsParams): void {
    const uri = Uri.parse(params.uri).toString();
    if (params.diagnostics.length === 0) this.byUri.delete(uri);
    else this.byUri.set(uri, params.diagnostics);
    const model = editor.getModel(Uri.parse(uri));
    if (model) editor.setModelMarkers(model, OWNER, params.diagnostics.map(toMarkerData));
    for (const listener of this.listeners) listener({ uri, diagnostics: params.diagnostics });
  }
}
