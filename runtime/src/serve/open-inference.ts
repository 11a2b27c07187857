/**
 * KServe Open Inference Protocol (V2) routes: server and model health, metadata and `infer`.
 * Errors use the protocol's format, `{"error": "message"}`, like every route of the server.
 * A model is addressed by its model name or its deployment name; `versions/N` must be the served version.
 */
import { performance } from "node:perf_hooks";
import { VERSION } from "@mlops/compiler/core";
import { HttpError, readJsonBody, sendJson } from "./http-io.js";
import type { LoadedModel } from "./model-loader.js";
import { answerHeaders } from "./own-endpoint.js";
import { recordScored, scoreDecoded } from "./scoring.js";
import type { RouteHandler, ServingState } from "./serving-state.js";
import { decodeTensors, inferRequestOf, inputMetadata, outputMetadata, outputTensors, requireKnownOutputs } from "./v2-tensors.js";

export interface ModelAddress {
  name: string;
  version: string | null;
}

export const serverMetadataRoute: RouteHandler = (_request, response) => {
  sendJson(response, 200, { name: "mlops", version: VERSION, extensions: [] });
};

export const liveRoute: RouteHandler = (_request, response) => {
  sendJson(response, 200, { live: true });
};

export const readyRoute: RouteHandler = (_request, response, state) => {
  if (state.slot.current && !state.draining()) sendJson(response, 200, { ready: true });
  else sendJson(response, 503, { ready: false, error: state.draining() ? "shutting down" : state.slot.notReadyReason });
};

export function modelMetadataRoute(address: ModelAddress): RouteHandler {
  return (_request, response, state) => {
    const model = servedModel(state, address);
    sendJson(response, 200, {
      name: model.name,
      versions: [String(model.version.version)],
      platform: "onnxruntime_onnx",
      inputs: inputMetadata(model.schema),
      outputs: outputMetadata(model.target.model.task, model.classes),
    });
  };
}

export function modelReadyRoute(address: ModelAddress): RouteHandler {
  return (_request, response, state) => {
    requireKnownName(state, address.name);
    const model = state.slot.current;
    const ready = model !== null && !state.draining() && (address.version === null || address.version === String(model.version.version));
    sendJson(response, ready ? 200 : 503, { name: state.target.model.name, ready });
  };
}

export function inferRoute(address: ModelAddress): RouteHandler {
  return async (request, response, state, info) => {
    requireKnownName(state, address.name);
    if (request.headers["inference-header-content-length"] !== undefined)
      throw new HttpError(415, "the binary tensor data extension is not supported: send application/json");
    const body = await readJsonBody(request, state.limits);
    const infer = inferRequestOf(body);
    const model = state.slot.acquire();
    try {
      requireServedVersion(model, address);
      const decoded = decodeTensors(infer.inputs, model.schema, state.limits.maxInstances);
      const timing = { id: info.id, startedAt: info.startedAt, decodedAt: performance.now(), scoredAt: 0 };
      requireKnownOutputs(model.target.model.task, model.classes, infer.outputs);
      const scores = await scoreDecoded(model, decoded, timing, state.scoring);
      timing.scoredAt = performance.now();
      const outputs = outputTensors(model.target.model.task, model.classes, scores, decoded.rows.length, infer.outputs);
      sendJson(
        response,
        200,
        {
          model_name: model.name,
          model_version: String(model.version.version),
          ...(infer.id !== undefined ? { id: infer.id } : {}),
          outputs,
        },
        answerHeaders(info.id, state.draining()),
      );
      recordScored(model, decoded, scores, timing, state.scoring);
    } finally {
      model.release();
    }
  };
}

function requireKnownName(state: ServingState, name: string): void {
  if (name !== state.target.model.name && name !== state.target.deployment.name)
    throw new HttpError(404, `no model ${JSON.stringify(name.slice(0, 60))} here (this server serves ${state.target.model.name})`);
}

function requireServedVersion(model: LoadedModel, address: ModelAddress): void {
  if (address.version !== null && address.version !== String(model.version.version))
    throw new HttpError(
      404,
      `${model.name} version ${JSON.stringify(address.version.slice(0, 20))} is not served (serving ${model.version.version})`,
    );
}

function servedModel(state: ServingState, address: ModelAddress): LoadedModel {
  requireKnownName(state, address.name);
  const model = state.slot.current;
  if (!model) throw new HttpError(503, `not ready: ${state.slot.notReadyReason}`, { "retry-after": "1" });
  requireServedVersion(model, address);
  return model;
}
