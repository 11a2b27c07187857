import type { editor, IDisposable } from "monaco-editor/editor/editor.api.js";
import type * as lsp from "vscode-languageserver-protocol";
import type { ProtocolConnection } from "vscode-languageserver-protocol/browser";

/**
 * Keeps the server's open documents in step with the project's Monaco models:
 * open on add, incremental changes as you type, close on remove.
 */
export class DocumentSync {
  private readonly synced = new Map<editor.ITextModel, IDisposable>();

  constructor(private readonly connection: ProtocolConnection) {}

  open(model: editor.ITextModel): void {
    if (this.synced.has(model)) return;
    const uri = model.uri.toString();
    void this.connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri, languageId: "mlops", version: model.getVersionId(), text: model.getValue() },
    } satisfies lsp.DidOpenTextDocumentParams);
    const listener = model.onDidChangeContent((event) => {
      // Monaco orders the changes of one edit so that applying them in turn is right
      const contentChanges: lsp.TextDocumentContentChangeEvent[] = event.changes.map((change) => ({
        range: {
          start: { line: change.range.startLineNumber - 1, character: change.range.startColumn - 1 },
          end: { line: change.range.endLineNumber - 1, character: change.range.endColumn - 1 },
        },
        text: change.text,
      }));
      void this.connection.sendNotification("textDocument/didChange", {
        textDocument: { uri, version: model.getVersionId() },
        contentChanges,
      } satisfies lsp.DidChangeTextDocumentParams);
    });
    this.synced.set(model, listener);
  }

  close(model: editor.ITextModel): void {
    const listener = this.synced.get(model);
    if (!listener) return;
    listener.dispose();
    this.synced.delete(model);
    void this.connection.sendNotification("textDocument/didClose", {
      textDocument: { uri: model.uri.toString() },
    } satisfies lsp.DidCloseTextDocumentParams);
  }
}
