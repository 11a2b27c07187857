/** One implementation per step kind. */
import type { StepKind } from "@mlops/compiler";
import type { StepImplementation } from "../executor/step-context.js";
import { batchPredictStep } from "./batch-predict.js";
import { deployStep } from "./deploy.js";
import { evaluateStep } from "./evaluate.js";
import { fitFeaturesStep } from "./fit-features.js";
import { gateStep } from "./gate.js";
import { ingest } from "./ingest.js";
import { monitorStep } from "./monitor.js";
import { registerStep } from "./register.js";
import { searchStep } from "./search.js";
import { split } from "./split.js";
import { trainStep } from "./train.js";
import { validate } from "./validate.js";

export const STEP_IMPLEMENTATIONS: Partial<Record<StepKind, StepImplementation>> = {
  ingest,
  validate,
  split,
  fit_features: fitFeaturesStep,
  search: searchStep,
  train: trainStep,
  evaluate: evaluateStep,
  gate: gateStep,
  register: registerStep,
  deploy: deployStep,
  batch_predict: batchPredictStep,
  monitor: monitorStep,
};
