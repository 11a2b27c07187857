/**
 * What both scoring protocols share once a request is decoded into checked rows: the model's
 * micro-batched scoring with errors turned into answers, stage timings for the metrics, and one
 * request-log entry per instance.
 */
import { performance } from "node:perf_hooks";
import type { CellValue } from "../data/dataset.js";
import { FeatureError } from "../features/evaluate.js";
import type { RequestLogEntry } from "../request-log/format.js";
import { REQUEST_LOG_FORMAT } from "../request-log/format.js";
import type { TaskScores } from "../steps/model-outputs.js";
import { HttpError } from "./http-io.js";
import type { LoadedModel } from "./model-loader.js";
import { predictionAt, type Prediction } from "./predictions.js";

export interface DecodedRequest {
  /** Checked rows, values in the order of the model graph's inputs (`schema.columns`). */
  rows: CellValue[][];
  /** Each instance's columns as sent (what the request log records). */
  records: Array<Record<string, unknown>>;
}

/** Receives the request-log entries of a scored (or failed) request; never waits. */
export type RequestLogSink = (entries: RequestLogEntry[]) => void;

export interface ScoringContext {
  logSink: RequestLogSink | null;
  /** Observes preprocess/predict/postprocess seconds. */
  stages(preprocess: number, predict: number, postprocess: number): void;
}

/** A scoring failure that is not the client's fault: 500, logged as error entries. */
export class ScoringFailure extends Error {
  override readonly name = "ScoringFailure";
}

/**
 * Scores `decoded` with `model`; a `FeatureError` from the request's values is a 422 naming the
 * instance, anything else a `ScoringFailure`. Both are recorded in the request log as errors.
 */
export async function scoreDecoded(
  model: LoadedModel,
  decoded: DecodedRequest,
  request: { id: string; startedAt: number; decodedAt: number },
  context: ScoringContext,
): Promise<TaskScores> {
  try {
    return await model.score(decoded.rows);
  } catch (error) {
    const failure = explain(error);
    logEntries(model, decoded, request, null, performance.now() - request.startedAt, failure.message, context);
    throw failure;
  }
}

function explain(error: unknown): Error {
  if (error instanceof FeatureError) {
    if (error.row !== undefined) return new HttpError(422, `instance ${error.row - 1}: ${error.message.replace(/ at row \d+/, "")}`);
    return new HttpError(422, `the features of this request cannot be computed: ${error.message}`);
  }
  return new ScoringFailure(`the model failed to score the request: ${(error as Error).message}`);
}

/** Records the answered request in the log and the stage metrics. */
export function recordScored(
  model: LoadedModel,
  decoded: DecodedRequest,
  scores: TaskScores,
  request: { id: string; startedAt: number; decodedAt: number; scoredAt: number },
  context: ScoringContext,
  predictions?: readonly Prediction[],
): void {
  const done = performance.now();
  context.stages(
    (request.decodedAt - request.startedAt) / 1000,
    (request.scoredAt - request.decodedAt) / 1000,
    (done - request.scoredAt) / 1000,
  );
  logEntries(model, decoded, request, scores, done - request.startedAt, null, context, predictions);
}

function logEntries(
  model: LoadedModel,
  decoded: DecodedRequest,
  request: { id: string },
  scores: TaskScores | null,
  latencyMs: number,
  error: string | null,
  context: ScoringContext,
  predictions?: readonly Prediction[],
): void {
  if (!context.logSink || decoded.records.length === 0) return;
  const at = new Date().toISOString();
  const latency = Math.round(latencyMs * 1000) / 1000;
  const { target, version } = model;
  const entries: RequestLogEntry[] = decoded.records.map((record, i) => ({
    v: REQUEST_LOG_FORMAT,
    at,
    request: request.id,
    instance: i,
    deployment: target.deployment.name,
    model: version.model,
    version: version.version,
    alias: target.alias,
    record,
    ...(scores
      ? { output: predictions?.[i] ?? predictionAt(target.model.task, model.classes, scores, i) }
      : { error: true, message: error ?? "" }),
    latencyMs: latency,
  }));
  context.logSink(entries);
}
