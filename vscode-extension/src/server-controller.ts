import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";
import { messageOf } from "./errors.js";
import { serverLaunch, serverSettings } from "./settings.js";

const clientId = "mlops";
const clientName = "MLOps Language Server";

/** Owns the one LanguageClient; restart builds a fresh one so a changed `mlops.server.path` takes effect. */
export class ServerController implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private readonly output = vscode.window.createOutputChannel(clientName, { log: true });
  private readonly traceOutput = vscode.window.createOutputChannel(`${clientName} Trace`, { log: true });
  private readonly watcher = vscode.workspace.createFileSystemWatcher("**/*.mlops");
  /** The script the running client was started with (undefined: the bundled one). */
  private launchedOverride: string | undefined;

  constructor(private readonly context: vscode.ExtensionContext) {}

  async start(): Promise<void> {
    if (this.client) return;
    const client = new LanguageClient(clientId, clientName, this.serverOptions(), this.clientOptions());
    this.client = client;
    try {
      await client.start();
    } catch (error) {
      this.client = undefined;
      await client.dispose().catch(() => undefined);
      void vscode.window.showErrorMessage(`MLOps language server failed to start: ${messageOf(error)}`);
    }
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    try {
      await client?.dispose();
    } catch (error) {
      this.output.warn(`stopping the language server: ${messageOf(error)}`);
    }
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Trust was granted: a user-chosen server that Restricted Mode held back can run now. */
  async onTrustGranted(): Promise<void> {
    if (serverLaunch().override !== this.launchedOverride) await this.restart();
  }

  /** The running client, starting it if needed; undefined (after telling the user) if the server is not running. */
  async running(): Promise<LanguageClient | undefined> {
    if (!this.client) await this.start();
    const client = this.client;
    if (!client) return undefined;
    if (client.isRunning()) return client;
    void vscode.window.showErrorMessage('The MLOps language server is not running: run "MLOps: Restart Language Server".');
    return undefined;
  }

  async pushSettings(): Promise<void> {
    if (!this.client?.isRunning()) return;
    await this.client.sendNotification(DidChangeConfigurationNotification.type, {
      settings: { mlops: serverSettings() },
    });
  }

  dispose(): void {
    void this.stop();
    this.watcher.dispose();
    this.output.dispose();
    this.traceOutput.dispose();
  }

  private serverOptions(): ServerOptions {
    const launch = serverLaunch();
    if (launch.ignored) this.output.warn(launch.ignored);
    this.launchedOverride = launch.override;
    const module = launch.override ?? this.context.asAbsolutePath("dist/server.js");
    return {
      run: { module, transport: TransportKind.stdio },
      debug: { module, transport: TransportKind.stdio, options: { execArgv: ["--nolazy", "--inspect=6009"] } },
    };
  }

  private clientOptions(): LanguageClientOptions {
    return {
      documentSelector: [{ language: "mlops" }],
      synchronize: { fileEvents: this.watcher },
      initializationOptions: serverSettings(),
      outputChannel: this.output,
      traceOutputChannel: this.traceOutput,
    };
  }
}
