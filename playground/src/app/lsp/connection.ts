import {
  BrowserMessageReader,
  BrowserMessageWriter,
  createProtocolConnection,
  type InitializeResult,
  type ProtocolConnection,
} from "vscode-languageserver-protocol/browser";

/** The language server running in `language-worker.js`, initialized and ready for requests. */
export interface LanguageServer {
  connection: ProtocolConnection;
  capabilities: InitializeResult["capabilities"];
}

/** Starts the worker and does the LSP handshake, as an editor does with a server over stdio. */
export async function startLanguageServer(): Promise<LanguageServer> {
  const worker = new Worker(new URL("language-worker.js", document.baseURI), { type: "module", name: "mlops language server" });
  const connection = createProtocolConnection(new BrowserMessageReader(worker), new BrowserMessageWriter(worker));
  connection.listen();
  const result = await connection.sendRequest<InitializeResult>("initialize", {
    processId: null,
    rootUri: null,
    workspaceFolders: null,
    clientInfo: { name: "mlops playground" },
    capabilities: {
      textDocument: {
        synchronization: { dynamicRegistration: false },
        publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
        completion: { completionItem: { snippetSupport: true, documentationFormat: ["markdown", "plaintext"] } },
        hover: { contentFormat: ["markdown", "plaintext"] },
        rename: { prepareSupport: true },
        codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ["quickfix"] } }, isPreferredSupport: true },
        inlayHint: {},
        signatureHelp: { signatureInformation: { documentationFormat: ["markdown", "plaintext"] } },
      },
      workspace: {
        configuration: false,
        didChangeConfiguration: { dynamicRegistration: false },
        workspaceEdit: { documentChanges: false },
      },
    },
    initializationOptions: { env: null },
  });
  await connection.sendNotification("initialized", {});
  return { connection, capabilities: result.capabilities };
}
