import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from "vscode-jsonrpc/node";
import {
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  type Diagnostic,
  type InitializeResult,
  type PublishDiagnosticsParams,
  type TextDocumentContentChangeEvent,
} from "vscode-languageserver-protocol";

/** A test client: the real server in a child process, spoken to over stdio. */
export class LspClient {
  readonly connection: MessageConnection;
  readonly stderr: string[] = [];
  readonly logs: string[] = [];
  private readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  private waiters: Array<() => void> = [];
  private exited = false;

  private constructor(private readonly child: ChildProcess) {
    this.connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    child.stderr!.on("data", (chunk: Buffer) => this.stderr.push(chunk.toString()));
    child.on("exit", () => {
      this.exited = true;
      this.notify();
    });
    this.connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.diagnostics.set(p.uri, p);
      this.notify();
    });
    this.connection.onNotification("window/logMessage", (p: { message: string }) => {
      this.logs.push(p.message);
    });
    this.connection.onRequest("client/registerCapability", () => null);
    this.connection.onRequest("workspace/configuration", (p: { items: Array<{ section?: string }> }) =>
      p.items.map((item) => (item.section ? (this.configuration[item.section] ?? null) : null)),
    );
    this.connection.listen();
  }

  /** What `workspace/configuration` answers, by section. */
  configuration: Record<string, unknown> = {};

  static async start(
    serverPath: string,
    options: {
      rootPath?: string;
      initializationOptions?: object;
      configuration?: Record<string, unknown>;
      workspaceFolders?: boolean;
      /** Declare LSP 3.18 snippet text edits in workspace edits (VS Code's client does). */
      snippetEdits?: boolean;
      /** Declare snippet completion items (default true). */
      snippetCompletions?: boolean;
    } = {},
  ): Promise<LspClient> {
    const child = spawn(process.execPath, [serverPath, "--stdio"], { stdio: ["pipe", "pipe", "pipe"] });
    const client = new LspClient(child);
    client.configuration = options.configuration ?? {};
    const root = options.rootPath ? pathToFileURL(options.rootPath).href : null;
    client.initializeResult = await client.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: root,
      capabilities: {
        workspace: {
          didChangeConfiguration: { dynamicRegistration: true },
          configuration: true,
          workspaceFolders: options.workspaceFolders ?? false,
          workspaceEdit: { documentChanges: true, snippetEditSupport: options.snippetEdits ?? false },
        },
        textDocument: {
          completion: {
            completionItem: { snippetSupport: options.snippetCompletions ?? true, documentationFormat: ["markdown", "plaintext"] },
          },
          hover: { contentFormat: ["markdown", "plaintext"] },
          publishDiagnostics: { versionSupport: true },
        },
      },
      workspaceFolders: root ? [{ uri: root, name: "root" }] : null,
      initializationOptions: options.initializationOptions ?? {},
    });
    await client.connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  initializeResult: InitializeResult | undefined;

  get alive(): boolean {
    return !this.exited;
  }

  async open(path: string, text = readFileSync(path, "utf8")): Promise<string> {
    const uri = pathToFileURL(path).href;
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: "mlops", version: 1, text },
    });
    return uri;
  }

  async change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): Promise<void> {
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: changes,
    });
  }

  request<R>(method: string, params: object): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  lastDiagnostics(uri: string): PublishDiagnosticsParams | undefined {
    return this.diagnostics.get(uri);
  }

  /** Resolves with the first published diagnostics of `uri` that satisfy `accept` (already published ones count). */
  async waitForDiagnostics(
    uri: string,
    accept: (p: PublishDiagnosticsParams) => boolean = () => true,
    timeoutMs = 20_000,
  ): Promise<Diagnostic[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const current = this.diagnostics.get(uri);
      if (current && accept(current)) return current.diagnostics;
      if (this.exited) throw new Error(`server exited; stderr:\n${this.stderr.join("")}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching diagnostics for ${uri}; last: ${JSON.stringify(current)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Forgets what was published, so the next wait sees only new pushes. */
  clearDiagnostics(): void {
    this.diagnostics.clear();
  }

  async stop(): Promise<void> {
    if (!this.exited) {
      try {
        await Promise.race([this.connection.sendRequest("shutdown"), new Promise((r) => setTimeout(r, 1000))]);
        await this.connection.sendNotification("exit");
      } catch {
        // already gone
      }
    }
    this.connection.dispose();
    if (!this.exited) this.child.kill("SIGKILL");
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/** A published diagnostic's message; ours are plain text (LSP 3.18 also allows markup, which we never send). */
export function messageText(diagnostic: { message: string | { value: string } }): string {
  if (typeof diagnostic.message !== "string") throw new Error(`a markup diagnostic message: ${diagnostic.message.value}`);
  return diagnostic.message;
}
