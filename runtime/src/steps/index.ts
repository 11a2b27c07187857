/**
 * One implementation per step kind, each loaded when a step of its kind first runs: a run whose
 * steps are all cached imports none of them (nor onnxruntime, the trainers or the data readers).
 */
import type { StepKind } from "@mlops/compiler";
import type { StepImplementation } from "../executor/step-context.js";

type Loader = () => Promise<StepImplementation>;

export const STEP_IMPLEMENTATIONS: Partial<Record<StepKind, Loader>> = {
  ingest: async () => (await import("./ingest.js")).ingest,
  validate: async () => (await import("./validate.js")).validate,
  split: async () => (await import("./split.js")).split,
  fit_features: async () => (await import("./fit-features.js")).fitFeaturesStep,
  search: async () => (await import("./search.js")).searchStep,
  train: async () => (await import("./train.js")).trainStep,
  evaluate: async () => (await import("./evaluate.js")).evaluateStep,
  gate: async () => (await import("./gate.js")).gateStep,
  register: async () => (await import("./register.js")).registerStep,
  deploy: async () => (await import("./deploy.js")).deployStep,
  batch_predict: async () => (await import("./batch-predict.js")).batchPredictStep,
  monitor: async () => (await import("./monitor.js")).monitorStep,
};
