export * from "./onnx/linear-models.js";
export { readOnnxSignature, OnnxFormatError } from "./onnx/read-signature.js";
export * from "./data/dataset.js";
export { DatasetBuilder, type BuilderColumn } from "./data/dataset-builder.js";
export { coerceText, coerceValue, type Coerced } from "./data/coerce.js";
export { DataError, type DataErrorCode } from "./data/errors.js";
export { formatBadRow, formatBadRowReport, type BadRow, type BadRowReport } from "./data/bad-rows.js";
export { readSource, type ReadOptions, type ReadResult } from "./data/read-source.js";
export type { ReadProgress, ProgressListener } from "./data/progress.js";
export { hashFile } from "./files/file-hash.js";
export { NO_GRANTS, PathError, resolveInput, resolveOutput, type PathErrorCode, type PathGrants } from "./files/project-paths.js";
export { createRecordWriter, outputRecord, writeRecords, type OutputFormat, type RecordWriter } from "./data/record-writer.js";
export { train, type BuiltinTrainerSpec, type TrainOptions } from "./train/train.js";
export type { TrainedModel, BuiltinTrainerKind, TrainedOnnxOptions } from "./train/trained-model.js";
export { seededRandom, permutation, shuffleInPlace, type SeededRandom } from "./random/seeded-random.js";
export * from "./evaluate/metrics.js";
export { latencyPercentiles, type LatencyPercentiles, type RowLatency } from "./evaluate/latency.js";
export { predictBatch, type BatchOutput, type PredictBatchOptions } from "./onnx/predict-batch.js";
export * from "./monitor/drift-statistics.js";
export { ksTwoSample, type KsResult } from "./monitor/kolmogorov-smirnov.js";
export {
  buildDataReport,
  evaluateExpectation,
  formatDataReport,
  summarizeColumn,
  type ColumnSummary,
  type DataReport,
  type DataReportContext,
  type ExpectationResult,
} from "./data/expectations.js";
export { splitDataset, type Split, type SplitOptions } from "./data/split.js";
export {
  fitFeatures,
  FITTED_FEATURES_FORMAT,
  type FeatureMatrix,
  type FitFeaturesOptions,
  type FittedFeatures,
  type ResolvedInputSlot,
} from "./features/feature-pipeline.js";
export { FeatureError, evaluateFeatures } from "./features/evaluate.js";
export { evaluatePlanExpr, argNode, numberLiteral, exprRefs, type PlanExprEvaluator } from "./plan-expr.js";
export type { FittedState } from "./features/stateful.js";
export type { Vec } from "./features/vectors.js";
export { encodeTarget } from "./features/target.js";
export { murmur3Text, hashBucket, HASH_BUCKET_HASH } from "./features/hash.js";
export {
  ArtifactError,
  ArtifactStoreBase,
  type ArtifactErrorCode,
  type ArtifactRef,
  type ArtifactStore,
} from "./store/artifact-store.js";
export { FileArtifactStore } from "./store/file/file-artifact-store.js";
export type {
  CacheEntry,
  FinishStepInput,
  LineageEdge,
  LineageNode,
  MetadataStore,
  MetadataStoreOptions,
  MetricRecord,
  RunDetails,
  RunRecord,
  RunStatus,
  StartRunInput,
  StartStepInput,
  StepRecord,
  StepStatus,
} from "./store/metadata-store.js";
export {
  RegistryError,
  type AliasChange,
  type AuditAction,
  type AuditEntry,
  type ModelDetails,
  type ModelRegistry,
  type ModelSummary,
  type ModelVersion,
  type RegisterVersionInput,
  type RegistryErrorCode,
} from "./store/model-registry.js";
export { SqliteMetadataStore, type SqliteOptions } from "./store/sqlite/sqlite-metadata-store.js";
export { openStores, type OpenStoresInput, type Stores } from "./store/open-stores.js";
export {
  ARTIFACT_STORE_VARIABLE,
  DATABASE_VARIABLE,
  StoreConfigError,
  describeStores,
  redactUrl,
  resolveStoreConfig,
  type ArtifactStoreLocation,
  type DatabaseLocation,
  type StoreConfig,
  type StoreSettings,
} from "./store/store-config.js";
// Executor: runs a plan's step DAG locally (the `mlops run` engine).
export { runPlan, selectSteps, planHash as runtimePlanHash, type RunOptions } from "./executor/executor.js";
export type { RunReporter, RunResult, StepResult, StepRunStatus } from "./executor/reporter.js";
export type { StepContext, StepOutcome, StepProgress } from "./executor/step-context.js";
export { encodeDataset, decodeDataset } from "./executor/dataset-codec.js";
export { scoreDataset } from "./steps/score.js";
// Model server (`mlops serve`) and its request log (what monitors read).
export { ModelServer, ServeError, type ServeOptions, type StopOutcome } from "./serve/server.js";
export type { ServingStores, ServingTarget } from "./serve/model-loader.js";
export { servingStores } from "./serve/serving-stores.js";
export { requestLogPath, type RequestLogEntry } from "./request-log/format.js";
export { readRequestLog } from "./request-log/reader.js";
export { RequestLogWriter, type RequestLogWriterOptions } from "./request-log/writer.js";
// The model graph: features lowered to ONNX in front of the model, and scoring through it.
export { composeModelGraph, ModelGraphError, type ModelGraphOptions } from "./graph/compose-model.js";
export { featureModel } from "./graph/feature-model.js";
export { feedsFromDataset, feedsFromRecords, type Feeds, type RecordLike } from "./graph/graph-feeds.js";
export * from "./graph/graph-contract.js";
export { featureMatrix } from "./scoring/feature-matrix.js";
export {
  openScorer,
  readGraphMetadata,
  ScorerError,
  type OpenScorerOptions,
  type ScoreOptions,
  type Scorer,
  type Scores,
} from "./scoring/scorer.js";
export {
  loadRegisteredScorer,
  type ArtifactReader,
  type LoadScorerOptions,
  type RegisteredVersionRef,
} from "./scoring/registered-scorer.js";
export { evaluateScores, measureGraphLatency, type ScoresEvaluation } from "./evaluate/evaluate-scores.js";
