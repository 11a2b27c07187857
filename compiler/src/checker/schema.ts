/**
 * The one table of every block kind's fields: their types, whether they are
 * required, defaults and docs. The checker validates against it; completion
 * and hover read it.
 */
import type { DiagnosticCode } from "../diagnostics/diagnostic.js";
import { SEARCH_METRICS } from "./catalog.js";
import { executionFields } from "./execution-fields.js";
import type { DeclKind } from "./types.js";
import type { QuantityKind } from "./units.js";

/** A pattern a string must match; `code` is the diagnostic when it does not (default `type-mismatch`). */
export interface StringPattern {
  regex: RegExp;
  description: string;
  code?: DiagnosticCode;
}

export type Slot =
  | { kind: "string"; pattern?: StringPattern; secretAllowed?: boolean }
  | { kind: "int"; min?: number; max?: number }
  | { kind: "number"; min?: number; max?: number; minExclusive?: boolean }
  | { kind: "bool" }
  | { kind: "quantity"; unit: QuantityKind; min?: number; max?: number; minExclusive?: boolean }
  /** A bare word out of a closed set: `format = csv`. */
  | { kind: "word"; values: Record<string, string> }
  | { kind: "ref"; declKind: DeclKind }
  | { kind: "list"; element: Slot; minLength?: number }
  /** `{ key = value }`; `open` types the values of keys not in `fields` (env_vars), `keys` constrains their names. */
  | { kind: "record"; fields: FieldSpec[]; open?: Slot; keys?: StringPattern }
  /** `name { ... }` with one field list per constructor name. */
  | { kind: "constructor"; variants: Record<string, ConstructorSpec> }
  /** `cron("...")` or `every(duration)`. */
  | { kind: "schedule" }
  /** A feature set name, or a list of `S.col`, `F.feat` or feature set names. */
  | { kind: "model-features" }
  /** `S.column` */
  | { kind: "target-column" }
  /** `training` or a source name. */
  | { kind: "reference" }
  /** A monitor's `{ source, key, column }` of delayed labels. */
  | { kind: "labels" }
  /** A column of a batch deployment's input source (a monitor's `timestamp`). */
  | { kind: "input-column" };

export interface FieldSpec {
  name: string;
  slot: Slot;
  required?: boolean;
  /** The value used when the field is absent, as source text (for hover and docs). */
  default?: string;
  doc: string;
}

export interface ConstructorSpec {
  doc: string;
  fields: FieldSpec[];
}

const SECRET_STRING: Slot = { kind: "string", secretAllowed: true };
const PORT: Slot = { kind: "int", min: 1, max: 65535 };
/** A file the step reads or writes: never empty. */
const FILE_PATH: Slot = { kind: "string", pattern: { regex: /\S/, description: "a file path" } };
/** A container image reference: never empty (a cluster would fail to pull it hours later). */
const IMAGE: Slot = {
  kind: "string",
  pattern: { regex: /^\S+$/, description: "a container image reference (`registry/name:tag`, no spaces)" },
};
const NAMESPACE: FieldSpec = {
  name: "namespace",
  slot: {
    kind: "string",
    pattern: {
      regex: /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
      description: "a DNS label: lowercase letters, digits and `-`, at most 63 characters",
    },
  },
  required: true,
  doc: "Kubernetes namespace.",
};

const TASKS = {
  binary_classification: "two classes (a bool target or an enum of two values)",
  multiclass_classification: "more than two classes (an enum target)",
  regression: "a numeric target",
};

const LINEAR_TRAINER_FIELDS: FieldSpec[] = [
  { name: "epochs", slot: { kind: "int", min: 1, max: 1_000_000 }, default: "100", doc: "Passes over the training split." },
  { name: "learning_rate", slot: { kind: "number", min: 0, minExclusive: true, max: 10 }, default: "0.1", doc: "Gradient step size." },
  {
    name: "l2",
    slot: { kind: "number", min: 0 },
    default: "0",
    doc: "L2 (ridge) regularisation: the fit minimises the mean loss + `l2/2 · ‖w‖²` (intercept not penalised). In scikit-learn terms, with n training rows: `C = 1/(n·l2)` (LogisticRegression), `alpha = n·l2` (Ridge).",
  },
  {
    name: "batch_size",
    slot: { kind: "int", min: 1 },
    default: "0 (full batch)",
    doc: "Rows per gradient step; the whole split when absent.",
  },
  { name: "tolerance", slot: { kind: "number", min: 0 }, default: "0.000001", doc: "Stop early when the loss improves less than this." },
];

export const TRAINERS: Record<string, ConstructorSpec> = {
  logistic_regression: { doc: "Built-in binary logistic regression, exported as ONNX.", fields: LINEAR_TRAINER_FIELDS },
  softmax_regression: { doc: "Built-in multinomial (softmax) regression, exported as ONNX.", fields: LINEAR_TRAINER_FIELDS },
  linear_regression: { doc: "Built-in linear regression (ridge via `l2`), exported as ONNX.", fields: LINEAR_TRAINER_FIELDS },
  external: {
    doc: "Any framework: runs a command that writes an ONNX file.",
    fields: [
      {
        name: "command",
        slot: { kind: "list", element: { kind: "string" }, minLength: 1 },
        required: true,
        doc: "The command and its arguments.",
      },
      { name: "image", slot: IMAGE, doc: "Container image to run the command in." },
      { name: "output", slot: FILE_PATH, required: true, doc: "The ONNX file the command writes." },
      { name: "env", slot: { kind: "record", fields: [], open: SECRET_STRING }, doc: "Environment variables (strings or secrets)." },
    ],
  },
  pretrained: {
    doc: "An existing ONNX model; its signature is checked at compile time.",
    fields: [{ name: "path", slot: FILE_PATH, required: true, doc: "The ONNX file, relative to the declaring file." }],
  },
};

/** Which task each built-in trainer fits. */
export const TRAINER_TASKS: Record<string, string[]> = {
  logistic_regression: ["binary_classification"],
  softmax_regression: ["multiclass_classification", "binary_classification"],
  linear_regression: ["regression"],
};

/** Built-in trainer fields that may take a list of values (a search over them). */
export const SEARCHABLE_TRAINERS = ["logistic_regression", "softmax_regression", "linear_regression"];

const SEARCH_FIELDS: FieldSpec[] = [
  {
    name: "metric",
    slot: { kind: "word", values: SEARCH_METRICS },
    required: true,
    doc: "The metric the candidates are compared on, a quality metric of the task; whether higher or lower is better comes from the metric table.",
  },
  {
    name: "folds",
    slot: { kind: "int", min: 2, max: 20 },
    default: "5",
    doc: "k-fold cross-validation on the training split (stratified when the split is).",
  },
  {
    name: "validation",
    slot: { kind: "quantity", unit: "ratio", min: 0, max: 0.5, minExclusive: true },
    doc: "Instead of `folds`: one validation share carved out of the training split (faster, noisier).",
  },
];

const AUTOSCALE: FieldSpec[] = [
  { name: "min", slot: { kind: "int", min: 1 }, required: true, doc: "Fewest replicas." },
  { name: "max", slot: { kind: "int", min: 1 }, required: true, doc: "Most replicas (at least `min`)." },
  {
    name: "target_cpu",
    slot: { kind: "quantity", unit: "ratio", min: 0, max: 1, minExclusive: true },
    default: "80%",
    doc: "CPU utilisation the autoscaler aims at.",
  },
];

export const TARGETS: Record<string, ConstructorSpec> = {
  local: {
    doc: "Served by `mlops serve` on this machine.",
    fields: [{ name: "port", slot: PORT, required: true, doc: "TCP port to listen on." }],
  },
  docker: {
    doc: "A Dockerfile and a compose file.",
    fields: [
      { name: "image", slot: IMAGE, required: true, doc: "Image name and tag to build." },
      { name: "port", slot: PORT, required: true, doc: "Port the container listens on." },
      { name: "cpu", slot: { kind: "quantity", unit: "cpu", min: 1 }, doc: "CPU limit (`500m`, `2`)." },
      { name: "memory", slot: { kind: "quantity", unit: "memory", min: 1 }, doc: "Memory limit (`512Mi`)." },
    ],
  },
  kubernetes: {
    doc: "A Kubernetes Deployment, Service, HPA and PDB.",
    fields: [
      NAMESPACE,
      { name: "image", slot: IMAGE, required: true, doc: "The runtime image." },
      {
        name: "replicas",
        slot: { kind: "int", min: 1, max: 10_000 },
        doc: "Replica count; required without `autoscale`, ignored (a warning) with it.",
      },
      {
        name: "cpu",
        slot: { kind: "quantity", unit: "cpu", min: 1 },
        required: true,
        doc: "CPU request (`500m`, `2`).",
      },
      {
        name: "memory",
        slot: { kind: "quantity", unit: "memory", min: 1 },
        required: true,
        doc: "Memory request (`512Mi`).",
      },
      { name: "autoscale", slot: { kind: "record", fields: AUTOSCALE }, doc: "Horizontal pod autoscaling: `{ min, max, target_cpu }`." },
    ],
  },
  kserve: {
    doc: "A KServe InferenceService: KServe's ONNX runtime for a model exported to `storage_uri`, else a custom predictor running `mlops serve`.",
    fields: [
      NAMESPACE,
      {
        name: "image",
        slot: IMAGE,
        required: true,
        doc: "The runtime image (the custom predictor runs `mlops serve` in it).",
      },
      {
        name: "cpu",
        slot: { kind: "quantity", unit: "cpu", min: 1 },
        required: true,
        doc: "CPU request and limit of a predictor replica.",
      },
      {
        name: "memory",
        slot: { kind: "quantity", unit: "memory", min: 1 },
        required: true,
        doc: "Memory request and limit of a predictor replica.",
      },
      {
        name: "min_replicas",
        slot: { kind: "int", min: 0, max: 10_000 },
        default: "1",
        doc: "Fewest predictor replicas (0 scales to zero).",
      },
      { name: "max_replicas", slot: { kind: "int", min: 1, max: 10_000 }, default: "min_replicas", doc: "Most predictor replicas." },
      {
        name: "storage_uri",
        slot: {
          kind: "string",
          pattern: {
            regex: /^(s3|gs|https|pvc):\/\/[^\s]+$/,
            description: "a storage URI KServe reads (`s3://`, `gs://`, `https://` or `pvc://`)",
          },
        },
        doc: "Where the self-contained ONNX model is exported (`mlops models export`); KServe's ONNX runtime then serves it. Without it, a custom predictor runs `mlops serve`.",
      },
    ],
  },
  batch: {
    doc: "Scheduled batch scoring of a source.",
    fields: [
      { name: "input", slot: { kind: "ref", declKind: "source" }, required: true, doc: "The source to score." },
      { name: "output", slot: { kind: "string" }, required: true, doc: "Where predictions are written (`.jsonl` or `.csv`)." },
      { name: "schedule", slot: { kind: "schedule" }, required: true, doc: 'When to score: `cron("...")` or `every(d)`.' },
    ],
  },
};

export const ROLLOUTS: Record<string, ConstructorSpec> = {
  all_at_once: { doc: "Replace every replica at once (the default).", fields: [] },
  canary: {
    doc: "Shift traffic in steps.",
    fields: [
      {
        name: "steps",
        slot: { kind: "list", element: { kind: "quantity", unit: "ratio", min: 0, max: 1, minExclusive: true }, minLength: 1 },
        required: true,
        doc: "Traffic shares, increasing, ending at 100%.",
      },
      {
        name: "interval",
        slot: { kind: "quantity", unit: "duration", min: 0, minExclusive: true },
        required: true,
        doc: "Wait between steps.",
      },
    ],
  },
};

export const BLOCK_FIELDS: Record<DeclKind, FieldSpec[]> = {
  pipeline: [
    { name: "owner", slot: { kind: "string" }, doc: "Who owns the pipeline (an email or team)." },
    { name: "description", slot: { kind: "string" }, doc: "One line about what the pipeline does." },
    { name: "schedule", slot: { kind: "schedule" }, doc: 'When the training DAG runs: `cron("0 2 * * *")` or `every(1d)`.' },
    { name: "tags", slot: { kind: "list", element: { kind: "string" } }, doc: "Free-form labels." },
    ...executionFields("every step (the defaults)"),
  ],
  env: [],
  source: [
    {
      name: "format",
      slot: {
        kind: "word",
        values: {
          csv: "comma-separated values with a header row",
          jsonl: "one JSON object per line",
          parquet: "Apache Parquet",
          postgres: "the rows of a PostgreSQL query (`query`, `connection = { url = secret(...) }`)",
        },
      },
      required: true,
      doc: "Data format: a file format, or `postgres` for the result of a SQL query.",
    },
    {
      name: "path",
      slot: { kind: "string" },
      doc: "Data file, relative to the declaring file, or an `s3://bucket/key` URL (streamed; the cache uses the object's ETag). Required for file formats.",
    },
    {
      name: "query",
      slot: { kind: "string", pattern: { regex: /\S/, description: "a SQL query" } },
      doc: "With `format = postgres`: the SQL query; its result must have exactly the schema's columns, with matching types.",
    },
    {
      name: "bad_rows",
      slot: {
        kind: "word",
        values: { fail: "fail the run on a row that does not fit the schema", drop: "drop such rows (up to `max_bad_rows`)" },
      },
      default: "fail",
      doc: "What to do with rows that do not fit the schema.",
    },
    {
      name: "max_bad_rows",
      slot: { kind: "int", min: 0 },
      default: "0",
      doc: "With `bad_rows = drop`: most rows dropped before the run fails.",
    },
    {
      name: "connection",
      slot: {
        kind: "record",
        fields: [
          { name: "url", slot: SECRET_STRING, doc: 'The database URL, normally `secret("name", "url")` so no password is in the source.' },
        ],
        open: SECRET_STRING,
      },
      doc: "Connection settings (strings or secrets); `url` for `format = postgres`.",
    },
  ],
  features: [],
  model: [
    { name: "task", slot: { kind: "word", values: TASKS }, required: true, doc: "What the model predicts." },
    { name: "features", slot: { kind: "model-features" }, required: true, doc: "A feature set, or a list of features / source columns." },
    { name: "target", slot: { kind: "target-column" }, required: true, doc: "The column to predict: `source.column`." },
    {
      name: "split",
      slot: {
        kind: "record",
        fields: [
          {
            name: "test",
            slot: { kind: "quantity", unit: "ratio", min: 0, max: 1, minExclusive: true },
            default: "20%",
            doc: "Share of rows held out for evaluation.",
          },
          { name: "seed", slot: { kind: "int", min: 0 }, default: "0", doc: "Random seed of the split." },
          { name: "stratify", slot: { kind: "bool" }, default: "false", doc: "Keep class shares equal in both splits (classification)." },
        ],
      },
      default: "{ test = 20%, seed = 0 }",
      doc: "Train/test split.",
    },
    {
      name: "trainer",
      slot: { kind: "constructor", variants: TRAINERS },
      required: true,
      doc: "How the model is trained. Candidates for a `search`: a list of values for a built-in trainer's field (`l2 = [0.001, 0.01]`), a list of trainers, or both.",
    },
    {
      name: "search",
      slot: { kind: "record", fields: SEARCH_FIELDS },
      doc: "How one of several candidate trainers is picked: `{ metric = auc, folds = 5 }`. Candidates are validated on the training split only; the test split stays for the gate.",
    },
    ...executionFields("the model's train (and search) steps"),
  ],
  gate: [
    { name: "model", slot: { kind: "ref", declKind: "model" }, required: true, doc: "The model the gate judges." },
    {
      name: "on_no_champion",
      slot: { kind: "word", values: { pass: "`champion.*` rules pass when no model is in production", fail: "they fail" } },
      default: "pass",
      doc: "What `champion.*` rules do when there is no production model.",
    },
  ],
  deploy: [
    { name: "model", slot: { kind: "ref", declKind: "model" }, required: true, doc: "The model to serve." },
    { name: "gate", slot: { kind: "ref", declKind: "gate" }, doc: "Only a model that passed this gate (of the same model) is deployed." },
    {
      name: "target",
      slot: { kind: "constructor", variants: TARGETS },
      required: true,
      doc: "Where it runs: `local`, `docker`, `kubernetes`, `kserve` or `batch`.",
    },
    {
      name: "endpoint",
      slot: {
        kind: "record",
        fields: [
          {
            name: "path",
            slot: { kind: "string", pattern: { regex: /^\//, description: "a path starting with `/`" } },
            default: '"/predict"',
            doc: "HTTP path of the plain scoring endpoint.",
          },
          { name: "port", slot: PORT, default: "8080", doc: "HTTP port." },
        ],
      },
      doc: "HTTP endpoint: `{ path, port }`.",
    },
    {
      name: "rollout",
      slot: { kind: "constructor", variants: ROLLOUTS },
      default: "all_at_once {}",
      doc: "How a new version replaces the old one.",
    },
    {
      name: "env_vars",
      slot: { kind: "record", fields: [], open: SECRET_STRING },
      doc: "Environment variables of the server (strings or `secret(name, key)`).",
    },
  ],
  monitor: [
    { name: "deployment", slot: { kind: "ref", declKind: "deploy" }, required: true, doc: "The deployment to watch." },
    { name: "reference", slot: { kind: "reference" }, required: true, doc: "Reference data: `training` (the training split) or a source." },
    {
      name: "window",
      slot: { kind: "quantity", unit: "duration", min: 0, minExclusive: true },
      required: true,
      doc: "How much recent traffic each check compares.",
    },
    { name: "schedule", slot: { kind: "schedule" }, required: true, doc: 'When the check runs: `every(6h)` or `cron("...")`.' },
    {
      name: "labels",
      slot: { kind: "labels" },
      doc: "Delayed labels: `{ source = S, key = request_id | COLUMN }` (and `column`, default the target's name). The model's metrics (`accuracy`, `auc`, `rmse`, ...) become signals over the window.",
    },
    {
      name: "cooldown",
      slot: { kind: "quantity", unit: "duration", min: 0 },
      default: "0s",
      doc: "After a policy fires it stays quiet this long (each action may set its own: `retrain(m, cooldown = 1d)`).",
    },
    {
      name: "timestamp",
      slot: { kind: "input-column" },
      doc: "A batch deployment's input column the window filters on (default: the input's only timestamp or date column).",
    },
  ],
  notifier: [
    {
      name: "webhook",
      slot: {
        kind: "string",
        secretAllowed: true,
        pattern: { regex: /^https?:\/\/[^\s]+$/, description: "an http:// or https:// URL" },
      },
      required: true,
      doc: 'Where alerts are POSTed: `secret("NAME", "KEY")` (resolved when the monitor runs, never printed) or a URL.',
    },
    {
      name: "format",
      slot: {
        kind: "word",
        values: {
          json: "the monitor's summary as a JSON document",
          slack: "a Slack-compatible incoming-webhook message (`text` and `blocks`)",
        },
      },
      default: "json",
      doc: "The payload.",
    },
    {
      name: "timeout",
      slot: { kind: "quantity", unit: "duration", min: 0, minExclusive: true, max: 300_000 },
      default: "10s",
      doc: "Time limit of each attempt.",
    },
    {
      name: "retries",
      slot: { kind: "int", min: 0, max: 10 },
      default: "3",
      doc: "Attempts after the first on a network error, a timeout, 429 or 5xx (backing off 1 s, 2 s, 4 s ...).",
    },
  ],
};

/** Statement members each block kind accepts. */
export const BLOCK_STATEMENTS: Record<DeclKind, Array<"Schema" | "Expect" | "Require" | "Drift" | "When">> = {
  pipeline: [],
  env: [],
  source: ["Schema", "Expect"],
  features: [],
  model: [],
  gate: ["Require"],
  deploy: [],
  monitor: ["Drift", "When"],
  notifier: [],
};

export function fieldSpec(fields: readonly FieldSpec[], name: string): FieldSpec | undefined {
  return fields.find((f) => f.name === name);
}

export function slotToString(slot: Slot): string {
  switch (slot.kind) {
    case "string":
      return slot.secretAllowed ? "string or secret" : "string";
    case "int":
      return `int${rangeText(slot.min, slot.max)}`;
    case "number":
      return `number${rangeText(slot.min, slot.max)}`;
    case "bool":
      return "bool";
    case "quantity":
      return slot.unit;
    case "word":
      return Object.keys(slot.values).join(" | ");
    case "ref":
      return `a ${slot.declKind === "deploy" ? "deployment" : slot.declKind === "features" ? "feature set" : slot.declKind} name`;
    case "list":
      return `list<${slotToString(slot.element)}>`;
    case "record":
      return slot.fields.length ? `{ ${slot.fields.map((f) => f.name).join(", ")} }` : "record";
    case "constructor":
      return Object.keys(slot.variants)
        .map((v) => `${v} { ... }`)
        .join(" | ");
    case "schedule":
      return 'cron("...") | every(duration)';
    case "model-features":
      return "a feature set or a list of features";
    case "target-column":
      return "source.column";
    case "reference":
      return "training | a source name";
    case "labels":
      return "{ source, key, column }";
    case "input-column":
      return "a column of the batch input";
  }
}

function rangeText(min: number | undefined, max: number | undefined): string {
  if (min === undefined && max === undefined) return "";
  return ` in ${min ?? "-∞"}..${max ?? "∞"}`;
}
