/**
 * The deployment's own endpoint (`endpoint { path }`, default `/predict`):
 * `POST {"instances": [{column: value, ...}, ...]}` with raw source columns →
 * `{"model": NAME, "version": N, "predictions": [{"label", "probabilities"} | {"value"}, ...]}`.
 */
import { performance } from "node:perf_hooks";
import { HttpError, isPlainObject, jsonKind, readJsonBody, sendJson } from "./http-io.js";
import { InstanceError, checkInstance } from "./instance-schema.js";
import type { LoadedModel } from "./model-loader.js";
import { predictionAt } from "./predictions.js";
import { recordScored, scoreDecoded, type DecodedRequest } from "./scoring.js";
import type { RequestLimits, RouteHandler } from "./serving-state.js";

export const predictRoute: RouteHandler = async (request, response, state, info) => {
  const body = await readJsonBody(request, state.limits);
  const instances = instancesOf(body, state.limits);
  const model = state.slot.acquire();
  try {
    const decoded = decodeInstances(instances, model);
    const timing = { id: info.id, startedAt: info.startedAt, decodedAt: performance.now(), scoredAt: 0 };
    const scores = await scoreDecoded(model, decoded, timing, state.scoring);
    timing.scoredAt = performance.now();
    const { task } = model.target.model;
    const predictions = decoded.rows.map((_, i) => predictionAt(task, model.classes, scores, i));
    sendJson(response, 200, { model: model.name, version: model.version.version, predictions }, answerHeaders(info.id, state.draining()));
    recordScored(model, decoded, scores, timing, state.scoring, predictions);
  } finally {
    model.release();
  }
};

export function answerHeaders(id: string, draining: boolean): Record<string, string> {
  return draining ? { "x-request-id": id, connection: "close" } : { "x-request-id": id };
}

function instancesOf(body: unknown, limits: RequestLimits): unknown[] {
  if (!isPlainObject(body)) throw new HttpError(400, `expected a JSON object {"instances": [...]}, got ${jsonKind(body)}`);
  const unknown = Object.keys(body).filter((k) => k !== "instances");
  if (unknown.length > 0)
    throw new HttpError(400, `unknown field ${JSON.stringify(unknown[0]!.slice(0, 60))}: the body is {"instances": [...]}`);
  const instances = body.instances;
  if (!Array.isArray(instances)) {
    if (instances === undefined) throw new HttpError(400, `missing "instances": the body is {"instances": [{column: value, ...}, ...]}`);
    throw new HttpError(400, `"instances" must be a list of objects, got ${jsonKind(instances)}`);
  }
  if (instances.length > limits.maxInstances)
    throw new HttpError(
      413,
      `${instances.length} instances in one request; the limit is ${limits.maxInstances} (the server's --max-instances)`,
    );
  return instances;
}

function decodeInstances(instances: unknown[], model: LoadedModel): DecodedRequest {
  try {
    return {
      rows: instances.map((instance, i) => checkInstance(instance, i, model.schema)),
      records: instances as Array<Record<string, unknown>>,
    };
  } catch (error) {
    if (error instanceof InstanceError) throw new HttpError(422, error.message);
    throw error;
  }
}
