/**
 * Fields that say how a step runs on an orchestrator: resources, retries,
 * timeouts, placement and queueing (pool, priority). On `pipeline` they are the defaults of every step;
 * on `model` they apply to that model's `train` step (merged key by key over
 * the pipeline's defaults). Renderers turn them into Kubernetes container
 * resources, node selectors and tolerations, and Airflow task arguments.
 */
import type { FieldSpec, Slot } from "./schema.js";

/** A Kubernetes label key: an optional DNS-subdomain prefix and `/`, then a name of at most 63 characters. */
export const LABEL_KEY =
  /^(?:(?=[a-z0-9.-]{1,253}\/)[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*\/)?(?=[A-Za-z0-9._-]{1,63}$)[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
/** A Kubernetes label value: empty, or at most 63 characters of `[A-Za-z0-9._-]` starting and ending alphanumeric. */
export const LABEL_VALUE = /^(?:(?=.{1,63}$)[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

const LABEL_KEY_TEXT = "a Kubernetes label key (`name` or `prefix.example.com/name`; the name at most 63 of `A-Za-z0-9._-`)";
const LABEL_VALUE_TEXT = "a Kubernetes label value (at most 63 of `A-Za-z0-9._-`, starting and ending with a letter or digit)";

const labelValue: Slot = { kind: "string", pattern: { regex: LABEL_VALUE, description: LABEL_VALUE_TEXT, code: "invalid-label" } };

const RESOURCES: FieldSpec[] = [
  {
    name: "cpu",
    slot: { kind: "quantity", unit: "cpu", min: 1 },
    default: "1",
    doc: "CPU request and limit (`500m`, `2`).",
  },
  {
    name: "memory",
    slot: { kind: "quantity", unit: "memory", min: 1 },
    default: "2Gi",
    doc: "Memory request and limit (`512Mi`, `8Gi`).",
  },
  {
    name: "gpu",
    slot: { kind: "int", min: 0, max: 64 },
    default: "0",
    doc: "GPUs (`nvidia.com/gpu`) the step's container gets. The built-in trainers run on CPU; an external trainer may use them.",
  },
];

const TOLERATION: FieldSpec[] = [
  {
    name: "key",
    slot: { kind: "string", pattern: { regex: LABEL_KEY, description: LABEL_KEY_TEXT, code: "invalid-label" } },
    doc: "The taint key it tolerates (every key when absent, with `operator = exists`).",
  },
  {
    name: "operator",
    slot: { kind: "word", values: { equal: "the taint's value must equal `value`", exists: "any value of the taint key" } },
    default: "equal",
    doc: "How the taint's value is matched.",
  },
  { name: "value", slot: labelValue, doc: "The taint value (with `operator = equal`)." },
  {
    name: "effect",
    slot: {
      kind: "word",
      values: {
        no_schedule: "NoSchedule taints",
        prefer_no_schedule: "PreferNoSchedule taints",
        no_execute: "NoExecute taints",
      },
    },
    doc: "The taint effect it tolerates (every effect when absent).",
  },
];

/** An Airflow pool name (Airflow allows these characters, up to 256 of them). */
export const POOL_NAME = /^[A-Za-z0-9_.-]{1,256}$/;
/** A Kubernetes object name that is a DNS subdomain (a PriorityClass name). */
export const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;
/** Airflow's `priority_weight` is stored as a 32-bit integer; we keep well inside it. */
export const PRIORITY_LIMIT = 1_000_000;

const QUEUE: FieldSpec[] = [
  {
    name: "pool",
    slot: { kind: "string", pattern: { regex: POOL_NAME, description: "an Airflow pool name (1 to 256 of `A-Za-z0-9_.-`)" } },
    doc: "Airflow pool the task takes its slots from (create it in Airflow). Absent: the render's `--pool`/`--gpu-pool`, else `default_pool`.",
  },
  {
    name: "pool_slots",
    slot: { kind: "int", min: 1, max: 1024 },
    default: "1",
    doc: "Slots of the pool one task occupies (a step that needs a whole GPU node may take several).",
  },
  {
    name: "priority",
    slot: { kind: "int", min: -PRIORITY_LIMIT, max: PRIORITY_LIMIT },
    doc: "Airflow `priority_weight` of the task, taken as written (`weight_rule` absolute): higher runs first when slots are short. Absent: Airflow's default (1, summed downstream).",
  },
  {
    name: "priority_class",
    slot: {
      kind: "string",
      pattern: { regex: DNS_SUBDOMAIN, description: "a Kubernetes PriorityClass name (lowercase letters, digits, `-` and `.`)" },
    },
    doc: "Kubernetes PriorityClass of the step's pod (`priorityClassName`, on Airflow and Kubernetes alike); the class must exist in the cluster.",
  },
];

const PLACEMENT: FieldSpec[] = [
  {
    name: "node_selector",
    slot: {
      kind: "record",
      fields: [],
      open: labelValue,
      keys: { regex: LABEL_KEY, description: LABEL_KEY_TEXT, code: "invalid-label" },
    },
    doc: 'Node labels the step\'s pod requires: `{ "cloud.google.com/gke-accelerator" = "nvidia-l4" }`.',
  },
  {
    name: "tolerations",
    slot: { kind: "list", element: { kind: "record", fields: TOLERATION } },
    doc: 'Taints the step\'s pod tolerates: `[{ key = "nvidia.com/gpu", operator = exists, effect = no_schedule }]`.',
  },
];

/** `resources`, `retries`, `retry_delay`, `timeout`, `placement`, `queue`; `scope` says whose steps they set, for the docs. */
export function executionFields(scope: string): FieldSpec[] {
  return [
    {
      name: "resources",
      slot: { kind: "record", fields: RESOURCES },
      default: "{ cpu = 1, memory = 2Gi, gpu = 0 }",
      doc: `Container resources of ${scope}: \`{ cpu, memory, gpu }\`.`,
    },
    {
      name: "retries",
      slot: { kind: "int", min: 0, max: 100 },
      default: "2",
      doc: `How often ${scope} is retried after a failure.`,
    },
    {
      name: "retry_delay",
      slot: { kind: "quantity", unit: "duration", min: 0 },
      default: "5m",
      doc: `Wait before a retry of ${scope}.`,
    },
    {
      name: "timeout",
      slot: { kind: "quantity", unit: "duration", min: 0, minExclusive: true },
      default: "2h",
      doc: `Time limit of one attempt of ${scope}.`,
    },
    { name: "placement", slot: { kind: "record", fields: PLACEMENT }, doc: `Where ${scope} may run: \`{ node_selector, tolerations }\`.` },
    {
      name: "queue",
      slot: { kind: "record", fields: QUEUE },
      doc: `Airflow pool and priority weight, and Kubernetes PriorityClass, of ${scope}: \`{ pool, pool_slots, priority, priority_class }\`.`,
    },
  ];
}
