/**
 * The portable plan: the one contract between the compiler and everything
 * that executes or renders (runtime, Airflow/Kubernetes/Docker renderers, CI).
 *
 * Invariants:
 * - Complete: no reference is left to resolve; params are inlined with the
 *   values of the chosen env.
 * - Portable: paths are POSIX and relative to the project root (the folder of
 *   the entry file); no timestamps, no absolute paths of the build machine.
 * - Deterministic: same sources + env → byte-identical JSON (keys sorted by
 *   the serializer, arrays in a documented order).
 * - Units are normalised: durations in milliseconds, cpu in millicores,
 *   memory in bytes, ratios as numbers in 0..1.
 * - Described by `plan.schema.json` (JSON Schema 2020-12); consumers validate on load.
 */

export const PLAN_VERSION = 1;

export interface Plan {
  planVersion: typeof PLAN_VERSION;
  compiler: { name: "mlops"; version: string };
  pipeline: PipelineSpec;
  /** sha256 (hex) over the sorted (relative path, content) pairs of every source file. */
  sourceHash: string;
  /** The env the params were resolved for, or null for the defaults. */
  env: string | null;
  /** Every env the program declares, with the params it overrides (values already normalised). */
  envs: Record<string, Record<string, ParamValue>>;
  /** Every declared param with its resolved value. */
  params: Record<string, ParamSpec>;
  sources: Record<string, SourceSpec>;
  featureSets: Record<string, FeatureSetSpec>;
  models: Record<string, ModelSpec>;
  gates: Record<string, GateSpec>;
  deployments: Record<string, DeploymentSpec>;
  monitors: Record<string, MonitorSpec>;
  /** Where monitors' `alert(...)` actions post. */
  notifiers: Record<string, NotifierSpec>;
  /** The step DAG, in a topological order (a step comes after everything it `needs`). */
  steps: Step[];
}

export interface PipelineSpec {
  name: string;
  owner?: string;
  description?: string;
  doc?: string;
  schedule?: Schedule;
  tags: string[];
}

export type ParamValue = number | string | boolean | ParamValue[];

export interface ParamSpec {
  /** The declared type as written in the language: "int", "ratio", "duration", "list<string>", ... */
  type: string;
  value: ParamValue;
}

export type Schedule = { kind: "cron"; expression: string } | { kind: "every"; intervalMs: number };

// ---------------------------------------------------------------- data

export type ScalarKind = "int" | "float" | "bool" | "string" | "timestamp" | "date";

/** The type of a column or a scalar feature. */
export type ValueType = { kind: ScalarKind; nullable: boolean } | { kind: "enum"; values: string[]; nullable: boolean };

export interface ColumnSpec {
  name: string;
  type: ValueType;
  unique: boolean;
  /** Inclusive bounds from `range(min, max)`. */
  range?: { min: number; max: number };
}

export type DataFormat = "csv" | "jsonl" | "parquet" | "postgres";

export interface SourceSpec {
  name: string;
  format: DataFormat;
  /** Relative to the project root, POSIX separators; or an `s3://bucket/key` URL; "" for `postgres`. */
  path: string;
  /** `format = postgres`: the query whose result is the source's data. */
  query?: string;
  /** Connection settings (`url` for `postgres`): literal strings or secret references, never secret values. */
  connection?: Record<string, EnvValue>;
  /** In declaration order. */
  columns: ColumnSpec[];
  expectations: Expectation[];
  /** What to do with rows that do not fit the schema: fail the run (default) or drop them, up to `maxBadRows`. */
  badRows: { policy: "fail" | "drop"; maxBadRows: number };
}

/** A dataset-level check, e.g. `null_rate(country) <= 5%`. */
export interface Expectation {
  /** The check as written, normalised by the formatter. */
  text: string;
  expr: PlanExpr;
}

// ---------------------------------------------------------------- expressions

/**
 * A resolved expression, stored flat so that no reader recurses and the JSON nests to a
 * fixed depth however long the expression is (a 1,000-term `or` chain is 2,000 small
 * nodes, not 1,000 levels of nesting):
 * - `nodes` are in post-order: every child is the index of an earlier node, the last
 *   node is the root, and every other node is the child of exactly one node (a tree).
 *   Evaluating the nodes in array order computes every child before its parent.
 * - Read it through `plan/expr.ts` (`foldPlanExpr`, `printPlanExpr`) or the runtime's
 *   `plan-expr.ts`; `validatePlan` checks the tree shape the JSON Schema cannot express.
 */
export interface PlanExpr {
  nodes: PlanExprNode[];
}

/**
 * One node of a `PlanExpr`; `args`, `left`, `right` and `operand` are node indices.
 * - `ref` scopes: `column` (a column of the set's source), `feature` (another feature of the
 *   same set), `metric` (a gate metric, with `by` for fairness metrics), `champion` (that metric
 *   of the production model), `signal` (a monitor signal: drift_share, latency_p99, error_rate,
 *   request_rate), `aggregate` is not a ref: aggregates are `call`s (`row_count`, `null_rate`...).
 * - Stateful calls (`standardize min_max impute one_hot bucketize hash_bucket`) carry `state`,
 *   a key unique within the plan under which the runtime stores what it fitted.
 * - Params are already inlined as literals.
 * - A list literal (the edges of `bucketize(x, [0, 10, 100])`) is `{ op: "call", fn: "list", args }`.
 * - `impute(x, median)`: the strategy is a string literal (`{ op: "lit", value: "median" }`).
 * - Time functions (`hour`, `day_of_week`, `month`, `days_between`) work in UTC.
 */
export type PlanExprNode =
  | { op: "lit"; value: number | string | boolean | null }
  | { op: "ref"; scope: "column" | "feature" | "metric" | "champion" | "signal"; name: string; by?: string }
  | { op: "call"; fn: string; args: number[]; state?: string }
  | { op: "binary"; operator: PlanBinaryOperator; left: number; right: number }
  | { op: "unary"; operator: "-" | "not"; operand: number };

export type PlanBinaryOperator = "or" | "and" | "==" | "!=" | "<" | "<=" | ">" | ">=" | "+" | "-" | "*" | "/";

export type Comparison = "<" | "<=" | ">" | ">=" | "==" | "!=";

// ---------------------------------------------------------------- features

/** The type a feature computes. Vectors come from `one_hot` / `hash_bucket` (and `bucketize`). */
export type FeatureType =
  | ValueType
  /** `size` is null when it is only known after fitting (one_hot of a free string). */
  | { kind: "vector"; size: number | null; nullable: false; labels?: string[] };

export interface FeatureSpec {
  name: string;
  type: FeatureType;
  expr: PlanExpr;
  /** True when the expression contains a stateful call (fitted on the training split). */
  stateful: boolean;
  /** Names of the source columns the expression reads (directly or through other features). */
  columns: string[];
}

export interface FeatureSetSpec {
  name: string;
  source: string;
  /** Topological order: every feature comes after the features it uses. */
  features: FeatureSpec[];
  /** True when the compiler made this set from a model's `features = [...]` list. */
  synthesized: boolean;
}

// ---------------------------------------------------------------- models

export type Task = "binary_classification" | "multiclass_classification" | "regression";

/** One feature's slice of the model's input vector. */
export interface InputSlot {
  feature: string;
  offset: number | null;
  width: number | null;
  /** Per-slot names, e.g. `category=grocery` for a one-hot feature (when known at compile time). */
  labels?: string[];
}

export interface OnnxSignature {
  inputs: OnnxTensorSpec[];
  outputs: OnnxTensorSpec[];
}

export interface OnnxTensorSpec {
  name: string;
  /** ONNX element type name: "float32", "int64", "string"... */
  elementType: string;
  /** Dimensions; null for a symbolic/unknown dimension. */
  shape: Array<number | null>;
}

export type TrainerSpec =
  | {
      kind: "logistic_regression" | "softmax_regression" | "linear_regression";
      epochs: number;
      learningRate: number;
      l2: number;
      /** Rows per gradient step; 0 = the whole training split. */
      batchSize: number;
      tolerance: number;
    }
  | { kind: "external"; command: string[]; image?: string; output: string; env: Record<string, EnvValue> }
  | { kind: "pretrained"; path: string; signature: OnnxSignature };

/** A trainer the runtime trains itself (a search candidate is always one). */
export type BuiltinTrainerSpec = Extract<TrainerSpec, { epochs: number }>;

/**
 * `search = { metric, folds | validation }`: the model declares several candidate trainers (a
 * list of values for a hyperparameter, a list of trainers, or both: their product). The runtime
 * validates every candidate on the training split only (k folds, or one validation share carved
 * out of it; stratified like the split), picks the best by `metric` (ties: the first declared),
 * refits it on the whole training split, and the gate judges it on the test split.
 */
export interface SearchSpec {
  /** A quality metric of the task (`auc`, `rmse`, ...). */
  metric: string;
  /** From the metric table: whether a larger value is better. */
  better: "higher" | "lower";
  validation: { kind: "folds"; folds: number } | { kind: "holdout"; share: number };
  /**
   * Every combination, in declaration order: trainers in list order; within one trainer the
   * product of its listed fields, the field written first varying slowest.
   */
  candidates: SearchCandidate[];
}

export interface SearchCandidate {
  trainer: BuiltinTrainerSpec;
  /** The hyperparameters this candidate took from a list, by their language names (`l2`), in the order written. */
  varied: Record<string, number>;
}

export interface ModelSpec {
  name: string;
  task: Task;
  /** The source the model trains on (the feature set's source). */
  source: string;
  featureSet: string;
  /** The model's input vector, features in the order the model sees them. */
  inputs: InputSlot[];
  /** Total input width, or null when some width is only known after fitting. */
  inputWidth: number | null;
  target: {
    column: string;
    type: ValueType;
    /** Class labels in output order (binary: [negative, positive]; multiclass: enum order). */
    classes?: string[];
  };
  split: { test: number; seed: number; stratify: boolean };
  /** The trainer; with a `search`, its first candidate (what a tie picks). */
  trainer: TrainerSpec;
  /** Present when the model declares candidate trainers to choose from. */
  search?: SearchSpec;
}

// ---------------------------------------------------------------- gates

export interface GateRule {
  /** The rule as written (`auc >= params.min_auc`), for reports. */
  text: string;
  metric: string;
  /** Column for fairness metrics (`demographic_parity_difference(by = country)`). */
  by?: string;
  /** Rule normalised to `metric comparison threshold`. */
  comparison: Comparison;
  threshold: PlanExpr;
  /** `higher` when a larger metric is better (auc), `lower` when smaller is (rmse, latency). */
  better: "higher" | "lower";
  /** How the metric is measured: a ratio in 0..1, milliseconds, or a plain number. */
  unit: "ratio" | "ms" | "number";
  /** True when the threshold reads `champion.*`. */
  usesChampion: boolean;
}

export interface GateSpec {
  name: string;
  model: string;
  rules: GateRule[];
  /** With no production model, `champion.*` rules pass (default) or fail. */
  onNoChampion: "pass" | "fail";
}

// ---------------------------------------------------------------- deployments

export type EnvValue = { kind: "literal"; value: string } | { kind: "secret"; name: string; key: string };

export type TargetSpec =
  | { kind: "local"; port: number }
  | { kind: "docker"; image: string; port: number; cpuMillis?: number; memoryBytes?: number }
  | {
      kind: "kubernetes";
      namespace: string;
      image: string;
      replicas: number;
      cpuMillis: number;
      memoryBytes: number;
      autoscale?: { min: number; max: number; targetCpu: number };
    }
  | {
      kind: "kserve";
      namespace: string;
      image: string;
      cpuMillis: number;
      memoryBytes: number;
      minReplicas: number;
      maxReplicas: number;
      /** Where the self-contained ONNX model is exported; absent: a custom predictor runs `mlops serve`. */
      storageUri?: string;
    }
  | { kind: "batch"; input: string; output: string; schedule: Schedule };

export type RolloutSpec = { kind: "all_at_once" } | { kind: "canary"; steps: number[]; intervalMs: number };

export interface DeploymentSpec {
  name: string;
  model: string;
  gate?: string;
  target: TargetSpec;
  endpoint: { path: string; port: number };
  rollout: RolloutSpec;
  envVars: Record<string, EnvValue>;
}

// ---------------------------------------------------------------- monitors

export type DriftMethod = "psi" | "wasserstein" | "jensen_shannon" | "ks" | "z_test" | "chi_square" | "auto";

export interface DriftRule {
  /** A column, a feature, `prediction`, or `*` for every column not named by another rule. */
  target: string;
  targetKind: "column" | "feature" | "prediction" | "all";
  method: DriftMethod;
  comparison: Comparison;
  threshold: number;
  /** Distances drift when above their threshold, p-values when below. */
  driftsWhen: "above" | "below";
}

export type PolicyAction =
  | { kind: "retrain"; model: string }
  | { kind: "rollback"; deployment: string }
  | { kind: "alert"; notifier: string }
  /** `alert("channel")`, the old free-string form (a warning): reported in the monitor's result, posted nowhere. */
  | { kind: "alert"; channel: string };

export interface Policy {
  text: string;
  condition: PlanExpr;
  action: PolicyAction;
  /** After the policy fires it stays quiet this long (ms; 0: it may fire at every check). */
  cooldownMs: number;
}

/**
 * Delayed labels: where the true outcomes arrive and how each finds its prediction. With labels the
 * model's metrics (`accuracy`, `auc`, `rmse`, ...) are monitor signals over the window.
 */
export interface LabelsSpec {
  /** The source holding the outcomes. */
  source: string;
  /**
   * `request_id`: the labels source's `request_id` column holds the id the server answered with
   * (`x-request-id`), plus its `instance` column when it has one; `column`: a column the labels
   * source and the scored records (request records or the batch input) both carry.
   */
  key: { kind: "request_id"; instance: boolean } | { kind: "column"; column: string };
  /** The labels source's column holding the outcome (by default named as the model's target). */
  column: string;
}

export interface MonitorSpec {
  name: string;
  deployment: string;
  model: string;
  reference: { kind: "training" } | { kind: "source"; source: string };
  windowMs: number;
  /**
   * A batch deployment's input column the window filters on (a timestamp column); absent when the
   * input has none (every row is current) or the deployment is served (the request log's times).
   */
  timestampColumn?: string;
  labels?: LabelsSpec;
  schedule: Schedule;
  drift: DriftRule[];
  policies: Policy[];
}

// ---------------------------------------------------------------- notifiers

export interface NotifierSpec {
  name: string;
  /** The webhook URL; a secret reference is resolved by the runtime and never written out. */
  webhook: EnvValue;
  /** `json`: the monitor's summary as JSON; `slack`: a Slack-compatible `{text, blocks}` message. */
  format: "json" | "slack";
  /** Per attempt (ms). */
  timeoutMs: number;
  /** Attempts after the first on a network error, a timeout, 429 or 5xx. */
  retries: number;
}

// ---------------------------------------------------------------- steps

export type StepKind =
  | "ingest"
  | "validate"
  | "split"
  | "fit_features"
  | "search"
  | "train"
  | "evaluate"
  | "gate"
  | "register"
  | "deploy"
  | "batch_predict"
  | "monitor";

/**
 * One node of the DAG. `id` is `KIND.NAME` (`train.fraud_clf`).
 * `group` says which schedule runs it: `pipeline` (the training DAG, on
 * `pipeline.schedule`), `monitor.NAME` (on that monitor's schedule) or
 * `batch.NAME` (a batch deployment's schedule).
 */
export interface Step {
  id: string;
  kind: StepKind;
  group: string;
  /** What the step works on: the declaration it belongs to. */
  subject: { kind: "source" | "model" | "gate" | "deployment" | "monitor"; name: string };
  /** One-line human summary (`mlops plan`). */
  description: string;
  needs: string[];
  /** Named inputs: artifact names produced by earlier steps (`split.fraud_clf/train`). */
  inputs: Record<string, string>;
  /** Artifact names this step produces (`STEP_ID/NAME`). */
  outputs: string[];
  /** sha256 over the step's own config and the cache keys of the steps it needs. */
  cacheKey: string;
  /** True when the runtime key also depends on data content (an `ingest` upstream). */
  dataDependent: boolean;
  /**
   * False for steps that read or change registry state (gate with champion
   * rules, register, deploy, batch_predict, monitor): they run every time.
   */
  cacheable: boolean;
  /** How an orchestrator runs it (not part of the cache key: more memory does not change a result). */
  execution: StepExecution;
}

/**
 * Resources, retries, time limit, placement and queueing of one step: the pipeline's
 * `resources`/`retries`/`retry_delay`/`timeout`/`placement`/`queue`, and for a
 * `train` step its model's, merged key by key over them.
 */
export interface StepExecution {
  cpuMillis: number;
  memoryBytes: number;
  /** GPUs (`nvidia.com/gpu`) of the step's container. */
  gpu: number;
  retries: number;
  retryDelayMs: number;
  /** Time limit of one attempt. */
  timeoutMs: number;
  /** Node labels the pod requires, sorted by key. */
  nodeSelector: Record<string, string>;
  tolerations: Toleration[];
  /** Airflow pool of the task (`queue.pool`); absent: the renderer's `--pool`/`--gpu-pool`, else `default_pool`. */
  pool?: string;
  /** Pool slots the task occupies (`queue.pool_slots`); absent: 1. */
  poolSlots?: number;
  /** Airflow `priority_weight`, absolute (`queue.priority`); absent: Airflow's default. */
  priorityWeight?: number;
  /** Kubernetes PriorityClass of the step's pod (`queue.priority_class`); absent: the cluster's default. */
  priorityClass?: string;
}

/** A Kubernetes toleration, spelled as Kubernetes spells it. */
export interface Toleration {
  key?: string;
  operator: "Equal" | "Exists";
  value?: string;
  effect?: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}
