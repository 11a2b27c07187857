import {
  CodeActionKind,
  ErrorCodes,
  ResponseError,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from "vscode-languageserver";
import type { Program } from "@mlops/compiler";
import { Analysis } from "./analysis.js";
import { DiagnosticsScheduler, type DiagnosticsSource, type DiagnosticsWorker } from "./diagnostics-scheduler.js";
import type { ServerFiles } from "./files.js";
import { InProcessDiagnostics } from "./in-process-diagnostics.js";
import { codeActions } from "./features/code-actions.js";
import { completion } from "./features/completion.js";
import { definition } from "./features/definition.js";
import { foldingRanges } from "./features/folding.js";
import { formatDocument, formatRange } from "./features/formatting.js";
import { documentHighlights } from "./features/highlight.js";
import { documentLinks } from "./features/document-links.js";
import { hover } from "./features/hover.js";
import { inlayHints } from "./features/inlay-hints.js";
import { planRequest, renderRequest, type PlanParams, type RenderParams } from "./features/plan.js";
import { references } from "./features/references.js";
import { prepareRename, rename } from "./features/rename.js";
import { selectionRanges } from "./features/selection.js";
import { SEMANTIC_TOKENS_LEGEND, semanticTokens } from "./features/semantic-tokens.js";
import { signatureHelp } from "./features/signature-help.js";
import { documentSymbols } from "./features/symbols.js";
import { workspaceSymbols } from "./features/workspace-symbols.js";
import { connectionLogger, safeNotification, safeRequest, type Logger } from "./util/handler.js";
import { uriToPath } from "./util/uri.js";
import { Workspace, type ParsedDocument } from "./workspace.js";

export interface ServerOptions {
  /** The files besides the open buffers: the disk (`NodeFiles`) or memory (`MemoryFiles`). */
  files: ServerFiles;
  /** Starts a worker that computes diagnostics (a Node worker thread); checks run in-process without one. */
  startDiagnosticsWorker?: (workspace: Workspace, fallback: DiagnosticsSource, log: Logger) => DiagnosticsWorker | undefined;
}

interface InitializationOptions {
  env?: string | null;
  /** Milliseconds between two diagnostic checks while edits keep coming (default 150). */
  diagnosticsInterval?: number;
}

function envSetting(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * Wires every feature of the `.mlops` language server to `connection` and
 * starts listening. Imports no Node API: `server.ts` runs it over stdio,
 * `browser.ts` in a Web Worker.
 */
export function startServer(connection: Connection, options: ServerOptions): void {
  const log = connectionLogger(connection);
  const workspace = new Workspace(options.files);
  const analysis = new Analysis(workspace);
  const uriOf = (path: string): string => workspace.uriOf(path);
  const inProcess = new InProcessDiagnostics(workspace, analysis);
  const worker = options.startDiagnosticsWorker?.(workspace, inProcess, log);
  let scheduler: DiagnosticsScheduler | undefined;
  let canRegisterConfiguration = false;
  let canWatchFiles = false;
  let canWatchFolders = false;

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const init = (params.initializationOptions ?? {}) as InitializationOptions;
    analysis.setEnv(envSetting(init.env));
    canRegisterConfiguration = Boolean(params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration);
    canWatchFiles = Boolean(params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration);
    canWatchFolders = Boolean(params.capabilities.workspace?.workspaceFolders);
    analysis.completionContext.snippets = params.capabilities.textDocument?.completion?.completionItem?.snippetSupport === true;
    analysis.codeActionHelpers.snippetEdits = Boolean(params.capabilities.workspace?.workspaceEdit?.snippetEditSupport);
    scheduler = new DiagnosticsScheduler(
      connection,
      worker ?? inProcess,
      uriOf,
      log,
      typeof init.diagnosticsInterval === "number" ? init.diagnosticsInterval : undefined,
    );
    const folders = (params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri }] : [])).filter((f) => f.uri.startsWith("file:"));
    for (const folder of folders) {
      workspace.addFolder(uriToPath(folder.uri));
      worker?.addFolder(uriToPath(folder.uri));
    }
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: false },
        documentSymbolProvider: { label: "mlops" },
        workspaceSymbolProvider: true,
        foldingRangeProvider: true,
        selectionRangeProvider: true,
        semanticTokensProvider: { legend: SEMANTIC_TOKENS_LEGEND, full: true, range: false },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        documentHighlightProvider: true,
        renameProvider: { prepareProvider: true },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        documentFormattingProvider: true,
        documentRangeFormattingProvider: true,
        inlayHintProvider: true,
        documentLinkProvider: { resolveProvider: false },
        signatureHelpProvider: { triggerCharacters: ["(", ",", "{"], retriggerCharacters: [",", "="] },
        completionProvider: { triggerCharacters: [".", '"', "=", ":", "(", "[", "/"], resolveProvider: false },
        workspace: { workspaceFolders: { supported: true, changeNotifications: canWatchFolders } },
      },
      serverInfo: { name: "mlops-language-server", version: "0.1.0" },
    };
  });

  connection.onInitialized(() => {
    if (canRegisterConfiguration) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: "mlops" }).catch(() => undefined);
    }
    if (canWatchFiles) {
      // imported files change on disk too (a checkout, another tool): keep their programs current
      void connection.client
        .register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: "**/*.mlops" }] })
        .catch(() => undefined);
    }
    if (canWatchFolders) {
      // a folder added later brings its files (for compilation roots and workspace symbols); a removed one's files just stay known
      connection.workspace.onDidChangeWorkspaceFolders(
        safeNotification("didChangeWorkspaceFolders", log, (e) => {
          for (const folder of e.added) {
            if (!folder.uri.startsWith("file:")) continue;
            workspace.addFolder(uriToPath(folder.uri));
            worker?.addFolder(uriToPath(folder.uri));
          }
          scheduler?.schedule();
        }),
      );
    }
  });

  workspace.onDidChange(() => scheduler?.schedule());

  connection.onDidOpenTextDocument(
    safeNotification("didOpen", log, (p) => {
      workspace.openDocument(p.textDocument.uri, p.textDocument.version, p.textDocument.text);
    }),
  );
  connection.onDidChangeTextDocument(
    safeNotification("didChange", log, (p) => {
      workspace.changeDocument(p.textDocument.uri, p.textDocument.version, p.contentChanges);
    }),
  );
  connection.onDidCloseTextDocument(
    safeNotification("didClose", log, (p) => {
      workspace.closeDocument(p.textDocument.uri);
    }),
  );
  connection.onDidChangeWatchedFiles(
    safeNotification("didChangeWatchedFiles", log, (p) => {
      for (const change of p.changes) {
        workspace.diskChanged(change.uri, change.type === 3);
        worker?.diskChanged(change.uri, change.type === 3);
      }
    }),
  );
  connection.onDidChangeConfiguration(
    safeNotification("didChangeConfiguration", log, (p) => {
      const settings = (p.settings ?? {}) as { mlops?: { env?: unknown } };
      analysis.setEnv(envSetting(settings.mlops?.env));
      scheduler?.schedule();
      void connection.languages.inlayHint.refresh().catch(() => undefined);
    }),
  );

  /** A request on one document: answered with `fallback` when the document is unknown. */
  const onDocument = <P extends { textDocument: { uri: string } }, R>(name: string, fallback: R, run: (doc: ParsedDocument, p: P) => R) =>
    safeRequest<P, R>(name, log, fallback, (p) => {
      const doc = analysis.document(p.textDocument.uri);
      return doc ? run(doc, p) : fallback;
    });
  /** A request that needs the checker: the document's program comes with it. */
  const onProgram = <P extends { textDocument: { uri: string } }, R>(
    name: string,
    fallback: R,
    run: (sem: NonNullable<ReturnType<Analysis["semantic"]>>, p: P) => R,
  ) =>
    safeRequest<P, R>(name, log, fallback, (p) => {
      const sem = analysis.semantic(p.textDocument.uri);
      return sem ? run(sem, p) : fallback;
    });

  connection.onDocumentSymbol(onDocument("documentSymbol", [], (doc) => documentSymbols(doc)));
  connection.onFoldingRanges(onDocument("foldingRange", [], (doc) => foldingRanges(doc)));
  connection.onSelectionRanges(onDocument("selectionRange", [], (doc, p) => selectionRanges(doc, p.positions)));
  connection.languages.semanticTokens.on(onDocument("semanticTokens", { data: [] }, (doc) => semanticTokens(doc)));
  connection.onDocumentFormatting(onDocument("formatting", [], (doc) => formatDocument(doc)));
  connection.onDocumentRangeFormatting(onDocument("rangeFormatting", [], (doc, p) => formatRange(doc, p.range)));
  connection.onSignatureHelp(onDocument("signatureHelp", null, (doc, p) => signatureHelp(doc, doc.lineMap.offset(p.position))));
  connection.onCompletion(onDocument("completion", null, (doc, p) => completion(doc, p.position, analysis.completions)));
  connection.onHover(onDocument("hover", null, (doc, p) => hover(doc, p.position, analysis.hover)));
  connection.onDocumentLinks(onDocument("documentLink", [], (doc) => documentLinks(doc, workspace.host, uriOf)));
  connection.onCodeAction(
    onDocument("codeAction", [], (doc, p) => codeActions(doc, p.context.diagnostics, analysis.codeActionHelpers, p.context.only)),
  );

  connection.onDefinition(onProgram("definition", null, ({ program, doc }, p) => definition(program, doc, p.position, uriOf)));
  connection.onReferences(
    onProgram("references", [], ({ program, doc }, p) => references(program, doc, p.position, p.context.includeDeclaration, uriOf)),
  );
  connection.onDocumentHighlight(onProgram("documentHighlight", [], ({ program, doc }, p) => documentHighlights(program, doc, p.position)));
  connection.onPrepareRename(onProgram("prepareRename", null, ({ program, doc }, p) => prepareRename(program, doc, p.position)));
  connection.onRenameRequest(onProgram("rename", null, ({ program, doc }, p) => rename(program, doc, p.position, p.newName, uriOf)));
  connection.languages.inlayHint.on(
    onProgram("inlayHint", [], ({ program, doc }, p) => inlayHints(program, doc, p.range, analysis.selectedEnv)),
  );
  connection.onWorkspaceSymbol(
    safeRequest("workspaceSymbol", log, [], (p) =>
      workspaceSymbols(
        workspace.allPaths().flatMap((path) => workspace.parsed(path) ?? []),
        p.query,
      ),
    ),
  );

  const withProgram = <R>(uri: string, run: (program: Program) => R): R => {
    const path = workspace.pathOf(uri);
    const program = analysis.programFor(path);
    if (!program) throw new ResponseError(ErrorCodes.InvalidParams, `cannot read ${uri}`);
    try {
      return run(program);
    } catch (error) {
      if (error instanceof ResponseError) throw error;
      log(`[mlops] ${uri}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      throw new ResponseError(ErrorCodes.InternalError, error instanceof Error ? error.message : String(error));
    }
  };
  connection.onRequest(
    "mlops/plan",
    safeRequest("mlops/plan", log, null, (p: PlanParams) => withProgram(p.uri, (program) => planRequest(program, p))),
  );
  connection.onRequest(
    "mlops/render",
    safeRequest("mlops/render", log, null, (p: RenderParams) => withProgram(p.uri, (program) => renderRequest(program, p))),
  );

  connection.onShutdown(() => {
    scheduler?.dispose();
    worker?.dispose();
  });
  connection.listen();
}
