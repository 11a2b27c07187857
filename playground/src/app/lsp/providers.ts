/**
 * Monaco's language providers for `.mlops`, each one an LSP request to the
 * language server in the worker: the conversions between the two type
 * systems are `monaco-languageserver-types`'s.
 */
import {
  type editor,
  type Emitter,
  type IDisposable,
  languages,
  type Position as MonacoPosition,
  type Range as MonacoRange,
} from "monaco-editor/editor/editor.api.js";
import {
  fromCodeActionContext,
  fromFormattingOptions,
  fromPosition,
  fromRange,
  toCodeAction,
  toCompletionList,
  toDocumentHighlight,
  toDocumentSymbol,
  toFoldingRange,
  toHover,
  toInlayHint,
  toLocation,
  toLocationLink,
  toRange,
  toSelectionRanges,
  toSignatureHelp,
  toTextEdit,
  toWorkspaceEdit,
} from "monaco-languageserver-types";
import type * as lsp from "vscode-languageserver-protocol";
import type { ProtocolConnection } from "vscode-languageserver-protocol/browser";
import type { DiagnosticsStore } from "./diagnostics.js";

const LANGUAGE = "mlops";

function doc(model: editor.ITextModel): lsp.TextDocumentIdentifier {
  return { uri: model.uri.toString() };
}

function at(model: editor.ITextModel, position: MonacoPosition): lsp.TextDocumentPositionParams {
  return { textDocument: doc(model), position: fromPosition(position) };
}

/** Registers every provider; returns what unregisters them. */
export function registerProviders(
  connection: ProtocolConnection,
  diagnostics: DiagnosticsStore,
  /** Fired when the server asks for fresh inlay hints (the env changed). */
  inlayHintsChanged: Emitter<void>,
): IDisposable[] {
  const request = <R>(method: string, params: object): Promise<R> => connection.sendRequest<R>(method, params);
  return [
    languages.registerCompletionItemProvider(LANGUAGE, {
      triggerCharacters: [".", '"', "=", ":"],
      async provideCompletionItems(model, position) {
        const result = await request<lsp.CompletionList | lsp.CompletionItem[] | null>("textDocument/completion", at(model, position));
        if (!result) return { suggestions: [] };
        const word = model.getWordUntilPosition(position);
        const range: MonacoRange = {
          startLineNumber: position.lineNumber,
          startColumn: word.startColumn,
          endLineNumber: position.lineNumber,
          endColumn: word.endColumn,
        } as MonacoRange;
        const list = Array.isArray(result) ? { isIncomplete: false, items: result } : result;
        return toCompletionList(list, { range });
      },
    }),
    languages.registerHoverProvider(LANGUAGE, {
      async provideHover(model, position) {
        const result = await request<lsp.Hover | null>("textDocument/hover", at(model, position));
        return result ? toHover(result) : null;
      },
    }),
    languages.registerSignatureHelpProvider(LANGUAGE, {
      signatureHelpTriggerCharacters: ["(", ",", "{"],
      signatureHelpRetriggerCharacters: [",", "="],
      async provideSignatureHelp(model, position) {
        const result = await request<lsp.SignatureHelp | null>("textDocument/signatureHelp", at(model, position));
        return result ? { value: toSignatureHelp(result), dispose: () => undefined } : null;
      },
    }),
    languages.registerDefinitionProvider(LANGUAGE, {
      async provideDefinition(model, position) {
        const result = await request<lsp.Definition | lsp.LocationLink[] | null>("textDocument/definition", at(model, position));
        if (!result) return null;
        const list = Array.isArray(result) ? result : [result];
        return list.map((item) => ("targetUri" in item ? toLocationLink(item) : toLocation(item)));
      },
    }),
    languages.registerReferenceProvider(LANGUAGE, {
      async provideReferences(model, position, context) {
        const result = await request<lsp.Location[] | null>("textDocument/references", { ...at(model, position), context });
        return result?.map(toLocation) ?? null;
      },
    }),
    languages.registerDocumentHighlightProvider(LANGUAGE, {
      async provideDocumentHighlights(model, position) {
        const result = await request<lsp.DocumentHighlight[] | null>("textDocument/documentHighlight", at(model, position));
        return result?.map(toDocumentHighlight) ?? null;
      },
    }),
    languages.registerRenameProvider(LANGUAGE, {
      async resolveRenameLocation(model, position) {
        const result = await request<lsp.Range | { range: lsp.Range; placeholder: string } | { defaultBehavior: boolean } | null>(
          "textDocument/prepareRename",
          at(model, position),
        );
        if (!result)
          return {
            range: toRange({ start: fromPosition(position), end: fromPosition(position) }),
            text: "",
            rejectReason: "This cannot be renamed.",
          };
        if ("defaultBehavior" in result) {
          const word = model.getWordAtPosition(position);
          if (!word)
            return {
              range: toRange({ start: fromPosition(position), end: fromPosition(position) }),
              text: "",
              rejectReason: "Nothing to rename here.",
            };
          return {
            range: {
              startLineNumber: position.lineNumber,
              startColumn: word.startColumn,
              endLineNumber: position.lineNumber,
              endColumn: word.endColumn,
            },
            text: word.word,
          };
        }
        const range = "start" in result ? result : result.range;
        return { range: toRange(range), text: "placeholder" in result ? result.placeholder : model.getValueInRange(toRange(range)) };
      },
      async provideRenameEdits(model, position, newName) {
        const result = await request<lsp.WorkspaceEdit | null>("textDocument/rename", { ...at(model, position), newName });
        return result ? toWorkspaceEdit(result) : null;
      },
    }),
    languages.registerDocumentSymbolProvider(LANGUAGE, {
      displayName: "mlops",
      async provideDocumentSymbols(model) {
        const result = await request<lsp.DocumentSymbol[] | null>("textDocument/documentSymbol", { textDocument: doc(model) });
        return result?.map(toDocumentSymbol) ?? null;
      },
    }),
    languages.registerFoldingRangeProvider(LANGUAGE, {
      async provideFoldingRanges(model) {
        const result = await request<lsp.FoldingRange[] | null>("textDocument/foldingRange", { textDocument: doc(model) });
        return result?.map(toFoldingRange) ?? null;
      },
    }),
    languages.registerSelectionRangeProvider(LANGUAGE, {
      async provideSelectionRanges(model, positions) {
        const result = await request<lsp.SelectionRange[] | null>("textDocument/selectionRange", {
          textDocument: doc(model),
          positions: positions.map(fromPosition),
        });
        return result?.map((range) => toSelectionRanges(range)) ?? null;
      },
    }),
    languages.registerDocumentFormattingEditProvider(LANGUAGE, {
      async provideDocumentFormattingEdits(model, options) {
        const result = await request<lsp.TextEdit[] | null>("textDocument/formatting", {
          textDocument: doc(model),
          options: fromFormattingOptions(options),
        });
        return result?.map(toTextEdit) ?? null;
      },
    }),
    languages.registerDocumentRangeFormattingEditProvider(LANGUAGE, {
      async provideDocumentRangeFormattingEdits(model, range, options) {
        const result = await request<lsp.TextEdit[] | null>("textDocument/rangeFormatting", {
          textDocument: doc(model),
          range: fromRange(range),
          options: fromFormattingOptions(options),
        });
        return result?.map(toTextEdit) ?? null;
      },
    }),
    languages.registerCodeActionProvider(
      LANGUAGE,
      {
        async provideCodeActions(model, range, context) {
          const lspContext = fromCodeActionContext(context);
          // the server's fixes travel in each diagnostic's `data`, which markers do not keep
          lspContext.diagnostics = diagnostics.originals(model.uri.toString(), lspContext.diagnostics);
          const result = await request<Array<lsp.CodeAction | lsp.Command> | null>("textDocument/codeAction", {
            textDocument: doc(model),
            range: fromRange(range),
            context: lspContext,
          });
          const actions = (result ?? []).filter(
            (item): item is lsp.CodeAction => "title" in item && !("command" in item && typeof item.command === "string"),
          );
          return { actions: actions.map(toCodeAction), dispose: () => undefined };
        },
      },
      { providedCodeActionKinds: ["quickfix"] },
    ),
    languages.registerInlayHintsProvider(LANGUAGE, {
      onDidChangeInlayHints: inlayHintsChanged.event,
      async provideInlayHints(model, range) {
        const result = await request<lsp.InlayHint[] | null>("textDocument/inlayHint", {
          textDocument: doc(model),
          range: fromRange(range),
        });
        return { hints: result?.map(toInlayHint) ?? [], dispose: () => undefined };
      },
    }),
  ];
}
