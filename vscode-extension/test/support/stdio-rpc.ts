import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";

interface RpcMessage {
  id?: number;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { message: string };
}

interface Notification {
  method: string;
  params: unknown;
}

interface Waiter {
  method: string;
  accept: (params: unknown) => boolean;
  resolve: (params: unknown) => void;
}

interface Pending {
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
}

/** Just enough JSON-RPC over stdio (LSP base protocol framing) to talk to a bundled server from a test. */
export class StdioRpc {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending = new Map<number, Pending>();
  private readonly notifications: Notification[] = [];
  private waiters: Waiter[] = [];
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  stderr = "";

  constructor(script: string, args: string[] = ["--stdio"]) {
    this.child = spawn(process.execPath, [script, ...args], { stdio: "pipe" });
    this.child.stdout.on("data", (chunk: Buffer) => this.receive(chunk));
    this.child.stderr.on("data", (chunk: Buffer) => (this.stderr += chunk.toString("utf8")));
    this.child.on("exit", (code, signal) => {
      for (const { reject } of this.pending.values()) reject(new Error(`server exited (${code ?? signal}): ${this.stderr}`));
      this.pending.clear();
    });
  }

  request(method: string, params: unknown, timeoutMs = 20_000): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`no answer to ${method} within ${timeoutMs} ms; stderr: ${this.stderr}`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (result) => (clearTimeout(timer), resolve(result)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
      this.send({ jsonrpc: "2.0", id, method, params });
    });
  }

  /** The first notification `method` from the server (already received or still to come) that `accept` takes. */
  notification(method: string, accept: (params: unknown) => boolean, timeoutMs = 20_000): Promise<unknown> {
    const seen = this.notifications.find((n) => n.method === method && accept(n.params));
    if (seen) return Promise.resolve(seen.params);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no ${method} notification within ${timeoutMs} ms; stderr: ${this.stderr}`));
      }, timeoutMs);
      const waiter: Waiter = { method, accept, resolve: (params) => (clearTimeout(timer), resolve(params)) };
      this.waiters.push(waiter);
    });
  }

  notify(method: string, params: unknown): void {
    this.send({ jsonrpc: "2.0", method, params });
  }

  kill(): void {
    this.child.kill();
  }

  private send(message: object): void {
    const body = Buffer.from(JSON.stringify(message), "utf8");
    this.child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.child.stdin.write(body);
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf("\r\n\r\n");
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString("ascii"))?.[1]);
      const start = headerEnd + 4;
      if (this.buffer.length < start + length) return;
      const message = JSON.parse(this.buffer.subarray(start, start + length).toString("utf8")) as RpcMessage;
      this.buffer = this.buffer.subarray(start + length);
      this.dispatch(message);
    }
  }

  private received(notification: Notification): void {
    this.notifications.push(notification);
    const waiter = this.waiters.find((w) => w.method === notification.method && w.accept(notification.params));
    if (!waiter) return;
    this.waiters = this.waiters.filter((w) => w !== waiter);
    waiter.resolve(notification.params);
  }

  private dispatch(message: RpcMessage): void {
    if (message.method !== undefined) {
      // A request from the server (e.g. client/registerCapability): accept it so the server is not left waiting.
      if (message.id !== undefined) this.send({ jsonrpc: "2.0", id: message.id, result: null });
      else this.received({ method: message.method, params: message.params });
      return;
    }
    const pending = message.id === undefined ? undefined : this.pending.get(message.id);
    if (!pending || message.id === undefined) return;
    this.pending.delete(message.id);
    if (message.error) pending.reject(new Error(message.error.message));
    else pending.resolve(message.result);
  }
}
