/**
 * `mlops serve`'s HTTP server (node:http): routing, error answers, in-flight accounting, start and
 * graceful stop. It listens first (live, not ready), loads and warms the version the alias points
 * at (then ready), and keeps following the alias (`ModelWatcher`). `stop` stops accepting
 * connections, lets in-flight requests finish (up to `drainTimeoutMs`), flushes the request log and
 * releases the model.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { requestLogPath, type RequestLogEntry } from "../request-log/format.js";
import { RequestLogWriter, type RequestLogWriterOptions } from "../request-log/writer.js";
import type { ModelVersion } from "../store/model-registry.js";
import type { BatchOptions } from "./batcher.js";
import { HttpError, sendJson, sendText } from "./http-io.js";
import { ServerMetrics } from "./metrics.js";
import { loadModel, type LoadedModel, type ServingStores, type ServingTarget } from "./model-loader.js";
import { ModelWatcher } from "./model-watcher.js";
import { inferRoute, liveRoute, modelMetadataRoute, modelReadyRoute, readyRoute, serverMetadataRoute } from "./open-inference.js";
import { predictRoute } from "./own-endpoint.js";
import { ScoringFailure } from "./scoring.js";
import type { ServerLog } from "./server-log.js";
import { ModelSlot, type RequestLimits, type RouteHandler, type ServingState } from "./serving-state.js";

export interface ServeOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  limits: RequestLimits;
  batch: BatchOptions;
  /** onnxruntime intra-op threads per session. */
  threads: number;
  /** How often the registry is polled for an alias move. */
  pollIntervalMs: number;
  /** How long before a version that failed to load is tried again. */
  retryMs: number;
  /** How long `stop` waits for in-flight requests. */
  drainTimeoutMs: number;
  /** The project root whose `.mlops/requests/` receives the request log, or null for no log. */
  /** `writer`: this server's name among the replicas writing one log (`DEPLOYMENT~WRITER.jsonl`). */
  requestLog: { projectRoot: string; writer?: string; options?: RequestLogWriterOptions } | null;
  log: ServerLog;
}

/** The server could not start (port taken, no permission); the message says what to do. */
export class ServeError extends Error {
  override readonly name = "ServeError";
}

export interface StopOutcome {
  /** False when requests were still running at the drain timeout (they were cut off). */
  drained: boolean;
  abandoned: number;
}

interface Route {
  name: string;
  handler: RouteHandler;
  /** A scoring route (counted in the in-flight gauge). */
  scores?: boolean;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

export class ModelServer {
  readonly metrics: ServerMetrics;
  private readonly slot = new ModelSlot();
  private readonly server: Server;
  private readonly state: ServingState;
  private readonly watcher: ModelWatcher;
  private readonly requestLog: RequestLogWriter | null;
  private readonly ownPath: string;
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];
  private stopping: Promise<StopOutcome> | null = null;
  private started = false;
  private lastDropLog = 0;
  private droppedSinceLog = 0;

  private constructor(
    readonly target: ServingTarget,
    stores: ServingStores,
    private readonly options: ServeOptions,
  ) {
    this.metrics = new ServerMetrics(target.model.name);
    this.ownPath = target.deployment.endpoint.path;
    this.requestLog = options.requestLog ? this.openRequestLog(options.requestLog) : null;
    const writer = this.requestLog;
    this.state = {
      target,
      limits: options.limits,
      slot: this.slot,
      metrics: this.metrics,
      scoring: {
        logSink: writer ? (entries: RequestLogEntry[]) => entries.forEach((e) => writer.append(e)) : null,
        stages: (pre, predict, post) => this.metrics.stages(pre, predict, post),
      },
      draining: () => this.stopping !== null,
    };
    this.watcher = new ModelWatcher(
      target,
      stores,
      this.slot,
      (version) => this.load(stores, version),
      {
        served: (model, previous) => this.onServed(model, previous),
        failed: (message, serving) => this.onLoadFailed(message, serving),
      },
      { intervalMs: options.pollIntervalMs, retryMs: options.retryMs },
    );
    this.server = createServer({ requestTimeout: 30_000, headersTimeout: 20_000, keepAliveTimeout: 5_000 }, (request, response) =>
      this.handle(request, response),
    );
    // `Expect: 100-continue`: a body declared too large is refused (413) before the client sends it
    this.server.on("checkContinue", (request: IncomingMessage, response: ServerResponse) => {
      if (!(Number(request.headers["content-length"]) > options.limits.maxBodyBytes)) response.writeContinue();
      this.handle(request, response);
    });
  }

  /** Listens, then loads the aliased version (the server is ready once it is warm). */
  static async start(target: ServingTarget, stores: ServingStores, options: ServeOptions): Promise<ModelServer> {
    const server = new ModelServer(target, stores, options);
    await server.listen();
    await server.watcher.start();
    const model = server.slot.current;
    options.log.write(
      model ? "info" : "warn",
      "start",
      `listening on ${server.url} — ${server.describeTarget()}: ${
        model ? `serving ${model.name} v${model.version.version}, ready` : `NOT READY: ${server.slot.notReadyReason}`
      }`,
      {
        url: server.url,
        deployment: target.deployment.name,
        alias: target.alias,
        version: model?.version.version ?? null,
        ready: model !== null,
      },
    );
    server.started = true;
    return server;
  }

  get url(): string {
    const address = this.server.address() as AddressInfo;
    const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  get ready(): boolean {
    return this.slot.current !== null && this.stopping === null;
  }

  get served(): LoadedModel | null {
    return this.slot.current;
  }

  /** Polls the registry now (tests, and a manual nudge). */
  checkAlias(): Promise<void> {
    return this.watcher.check();
  }

  /** Graceful stop: no new connections, in-flight requests finish, the request log is flushed. */
  stop(): Promise<StopOutcome> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private describeTarget(): string {
    return `deployment ${this.target.deployment.name} (model ${this.target.model.name}, alias ${this.target.alias}), endpoint POST ${this.ownPath}`;
  }

  private listen(): Promise<void> {
    const { host, port } = this.options;
    return new Promise((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException): void => {
        if (error.code === "EADDRINUSE")
          reject(new ServeError(`port ${port} on ${host} is already in use (another server is listening there); stop it or pass --port N`));
        else if (error.code === "EACCES")
          reject(new ServeError(`no permission to listen on port ${port} on ${host}; pass --port N above 1023`));
        else if (error.code === "EADDRNOTAVAIL")
          reject(new ServeError(`cannot listen on ${host}: no such address on this machine (--host)`));
        else reject(new ServeError(`cannot listen on ${host}:${port}: ${error.message}`));
      };
      this.server.once("error", onError);
      this.server.listen(port, host, () => {
        this.server.off("error", onError);
        resolve();
      });
    });
  }

  private load(stores: ServingStores, version: ModelVersion): Promise<LoadedModel> {
    return loadModel(this.target, version, stores, {
      batch: this.options.batch,
      threads: this.options.threads,
      onBatch: (rows) => this.metrics.batch(rows),
    }).then(
      (model) => {
        this.metrics.load("loaded");
        return model;
      },
      (error: unknown) => {
        this.metrics.load("failed");
        throw error;
      },
    );
  }

  private onServed(model: LoadedModel, previous: LoadedModel | null): void {
    const { deployment, alias } = this.target;
    this.metrics.served({ deployment: deployment.name, model: model.name, version: model.version.version, alias });
    if (previous)
      this.options.log.write(
        "info",
        "reload",
        `alias ${alias} of ${model.name} moved: now serving v${model.version.version} (was v${previous.version.version})`,
        {
          version: model.version.version,
          previous: previous.version.version,
        },
      );
  }

  private onLoadFailed(message: string, serving: LoadedModel | null): void {
    if (!serving) this.metrics.notReady();
    if (!this.started) return; // the start line reports the first load

    this.options.log.write("error", "load-failed", serving ? `${message}; still serving v${serving.version.version}` : message, {
      serving: serving?.version.version ?? null,
    });
  }

  private openRequestLog(log: NonNullable<ServeOptions["requestLog"]>): RequestLogWriter {
    const path = requestLogPath(log.projectRoot, this.target.deployment.name, this.target.alias, log.writer);
    return new RequestLogWriter(path, {
      ...log.options,
      onWritten: (n) => this.metrics.logWritten(n),
      onDropped: (n) => this.onLogDropped(n),
      onError: (error) => this.options.log.write("error", "request-log", `cannot write ${path}: ${error.message}`),
    });
  }

  private onLogDropped(count: number): void {
    this.metrics.logDroppedRecords(count);
    this.droppedSinceLog += count;
    const now = Date.now();
    if (now - this.lastDropLog < 10_000) return;
    this.options.log.write(
      "warn",
      "request-log",
      `${this.droppedSinceLog} request-log record(s) dropped: the write queue is full (the disk is slower than the traffic)`,
      { dropped: this.droppedSinceLog, total: this.requestLog?.dropped ?? 0 },
    );
    this.lastDropLog = now;
    this.droppedSinceLog = 0;
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const startedAt = performance.now();
    const route = this.route(request.method ?? "GET", request.url ?? "/");
    const header = request.headers["x-request-id"];
    const id = typeof header === "string" && REQUEST_ID.test(header) ? header : randomUUID();
    const scoring = route.scores === true;
    this.inFlight++;
    if (scoring) this.metrics.scoringStarted();
    response.once("close", () => {
      this.inFlight--;
      if (scoring) this.metrics.scoringFinished();
      this.metrics.request(route.name, response.statusCode, (performance.now() - startedAt) / 1000);
      if (this.inFlight === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    });
    let handled: Promise<void> | void;
    try {
      handled = route.handler(request, response, this.state, { id, startedAt });
    } catch (error) {
      this.answerError(response, error, id);
      return;
    }
    if (handled) handled.catch((error: unknown) => this.answerError(response, error, id));
  }

  private answerError(response: ServerResponse, error: unknown, id: string): void {
    let status = 500;
    let message: string;
    let headers: Record<string, string> = {};
    if (error instanceof HttpError) {
      status = error.status;
      message = error.message;
      headers = error.headers;
    } else if (error instanceof ScoringFailure) {
      message = error.message;
      this.options.log.write("error", "scoring", message, { request: id });
    } else {
      message = `internal error: ${(error as Error)?.message ?? String(error)}`;
      this.options.log.write("error", "internal", `${message}\n${(error as Error)?.stack ?? ""}`, { request: id });
    }
    if (response.headersSent || response.destroyed) {
      response.destroy();
      return;
    }
    if (this.stopping) headers = { ...headers, connection: "close" };
    sendJson(response, status, { error: message }, { "x-request-id": id, ...headers });
  }

  private route(method: string, url: string): Route {
    const q = url.indexOf("?");
    const path = q < 0 ? url : url.slice(0, q);
    const found = this.match(path);
    if (!found) return { name: "not_found", handler: notFound(path) };
    if (found.method !== method) return { name: found.name, handler: methodNotAllowed(found.method) };
    return found;
  }

  private match(path: string): (Route & { method: string }) | null {
    if (path === this.ownPath) return { name: "predict", method: "POST", handler: predictRoute, scores: true };
    switch (path) {
      case "/metrics":
        return { name: "metrics", method: "GET", handler: (_q, response) => this.sendMetrics(response) };
      case "/v2":
        return { name: "v2_server", method: "GET", handler: serverMetadataRoute };
      case "/v2/health/live":
      case "/health/live":
        return { name: "health_live", method: "GET", handler: liveRoute };
      case "/v2/health/ready":
      case "/health/ready":
        return { name: "health_ready", method: "GET", handler: readyRoute };
    }
    const model = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?(\/ready|\/infer)?$/.exec(path);
    if (!model) return null;
    let address;
    try {
      address = { name: decodeURIComponent(model[1]!), version: model[2] === undefined ? null : decodeURIComponent(model[2]) };
    } catch {
      return {
        name: "bad_path",
        method: "GET",
        handler: () => Promise.reject(new HttpError(400, "the path is not valid percent-encoding")),
      };
    }
    if (model[3] === "/infer") return { name: "v2_infer", method: "POST", handler: inferRoute(address), scores: true };
    if (model[3] === "/ready") return { name: "v2_model_ready", method: "GET", handler: modelReadyRoute(address) };
    return { name: "v2_model_metadata", method: "GET", handler: modelMetadataRoute(address) };
  }

  private async sendMetrics(response: ServerResponse): Promise<void> {
    sendText(response, 200, await this.metrics.text(), this.metrics.contentType);
  }

  private async shutdown(): Promise<StopOutcome> {
    const started = Date.now();
    this.metrics.notReady();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    // Logged once the listening socket is closed, so whoever reads "stopping" finds the port refused.
    this.options.log.write("info", "stopping", `stopping: draining ${this.inFlight} in-flight request(s)`, { inFlight: this.inFlight });
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      this.whenIdle().then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), this.options.drainTimeoutMs);
      }),
    ]);
    clearTimeout(timer);
    const abandoned = this.inFlight;
    this.server.closeAllConnections();
    await closed;
    await this.watcher.stop();
    await this.slot.clear("shutting down")?.retire();
    await this.requestLog?.close();
    this.options.log.write(
      drained ? "info" : "warn",
      "stop",
      drained
        ? `stopped after draining in ${Date.now() - started} ms${this.requestLog ? ` (${this.requestLog.written} request-log records written, ${this.requestLog.dropped} dropped)` : ""}`
        : `stopped: ${abandoned} request(s) still running after ${this.options.drainTimeoutMs} ms were cut off`,
      { drained, abandoned },
    );
    return { drained, abandoned };
  }

  private whenIdle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}

function notFound(path: string): RouteHandler {
  return () => {
    throw new HttpError(404, `no route ${JSON.stringify(path.slice(0, 80))}`);
  };
}

function methodNotAllowed(allowed: string): RouteHandler {
  return () => {
    throw new HttpError(405, `use ${allowed} here`, { allow: allowed });
  };
}
