/** What the routes see of the running server: the served target, the current model, limits, metrics. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { HttpError, type BodyLimits } from "./http-io.js";
import type { LoadedModel, ServingTarget } from "./model-loader.js";
import type { ServerMetrics } from "./metrics.js";
import type { ScoringContext } from "./scoring.js";

export interface RequestLimits extends BodyLimits {
  /** Most instances in one request (413 beyond). */
  maxInstances: number;
}

export const DEFAULT_LIMITS: RequestLimits = { maxBodyBytes: 4 * 1024 * 1024, maxInstances: 1000, maxJsonDepth: 32 };

/** The model currently served, or why there is none. */
export class ModelSlot {
  private model: LoadedModel | null = null;
  private why = "the model is loading";

  get current(): LoadedModel | null {
    return this.model;
  }

  get notReadyReason(): string {
    return this.why;
  }

  /** Serves `next` from now on; the previous version is retired once its requests end. */
  swap(next: LoadedModel): LoadedModel | null {
    const previous = this.model;
    this.model = next;
    return previous;
  }

  /** Takes the model out of service (shutdown) or records why there is none. */
  clear(reason: string): LoadedModel | null {
    const previous = this.model;
    this.model = null;
    this.why = reason;
    return previous;
  }

  setReason(reason: string): void {
    this.why = reason;
  }

  /** The current model, held for one request (`release` it after), or a 503. */
  acquire(): LoadedModel {
    const model = this.model;
    if (!model) throw new HttpError(503, `not ready: ${this.why}`, { "retry-after": "1" });
    model.acquire();
    return model;
  }
}

export interface ServingState {
  target: ServingTarget;
  limits: RequestLimits;
  slot: ModelSlot;
  metrics: ServerMetrics;
  scoring: ScoringContext;
  /** True once the server is shutting down (answers carry `connection: close`). */
  draining(): boolean;
}

export interface RequestInfo {
  id: string;
  /** `performance.now()` when the request arrived. */
  startedAt: number;
}

export type RouteHandler = (
  request: IncomingMessage,
  response: ServerResponse,
  state: ServingState,
  info: RequestInfo,
) => Promise<void> | void;
