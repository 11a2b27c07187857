/**
 * A webhook receiver on 127.0.0.1 (a free port) that records what is POSTed and answers the queued
 * statuses in turn, then 200. `holdNext()` keeps the next request waiting for its answer until
 * released (a slow receiver: the sender is stuck in the middle of its alert).
 */
import { type IncomingHttpHeaders, type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

export class WebhookReceiver {
  readonly received: Received[] = [];
  private server?: Server;
  private held?: { arrived: () => void; released: Promise<void> };
  constructor(private readonly statuses: number[] = []) {}

  /** Starts listening; returns the base URL. */
  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        this.received.push({ path: req.url ?? "", headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) });
        const status = this.statuses.shift() ?? 200;
        const held = this.held;
        this.held = undefined;
        if (!held) return void res.writeHead(status).end("ok");
        held.arrived();
        void held.released.then(() => res.writeHead(status).end("ok"));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  /** Holds the answer to the next request: `arrived` resolves when it comes, `release()` answers it. */
  holdNext(): { arrived: Promise<void>; release: () => void } {
    let arrived!: () => void;
    let release!: () => void;
    const came = new Promise<void>((resolve) => (arrived = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    this.held = { arrived, released };
    return { arrived: came, release };
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
