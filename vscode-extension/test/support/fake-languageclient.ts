// Stands in for `vscode-languageclient/node`: records each client and answers requests from a test's handlers.

export class RequestType<P, R, E> {
  declare readonly _types?: [P, R, E];
  constructor(readonly method: string) {}
}

export const TransportKind = { stdio: 0, ipc: 1, pipe: 2, socket: 3 } as const;

export const DidChangeConfigurationNotification = { type: { method: "workspace/didChangeConfiguration" } };

type Handler = (params: unknown) => unknown;

export const clients: LanguageClient[] = [];
export const requestHandlers = new Map<string, Handler>();

export class LanguageClient {
  running = false;
  disposed = false;
  readonly notifications: { method: string; params: unknown }[] = [];
  readonly requests: { method: string; params: unknown }[] = [];

  constructor(
    readonly id: string,
    readonly name: string,
    readonly serverOptions: { run: { module: string; transport: number }; debug: { module: string } },
    readonly clientOptions: { documentSelector: unknown; initializationOptions: unknown },
  ) {
    clients.push(this);
  }

  async start(): Promise<void> {
    this.running = true;
  }

  isRunning(): boolean {
    return this.running;
  }

  async dispose(): Promise<void> {
    this.running = false;
    this.disposed = true;
  }

  async sendNotification(type: { method: string }, params: unknown): Promise<void> {
    this.notifications.push({ method: type.method, params });
  }

  async sendRequest(type: { method: string }, params: unknown): Promise<unknown> {
    this.requests.push({ method: type.method, params });
    const handler = requestHandlers.get(type.method);
    if (!handler) throw new Error(`no handler for ${type.method}`);
    return handler(params);
  }
}
