/** What a step implementation sees: its plan step, its inputs, where its outputs go. */
import type { Plan, Step } from "@mlops/compiler";
import type { PathGrants } from "../files/project-paths.js";
import type { ArtifactStore } from "../store/artifact-store.js";
import type { MetadataStore } from "../store/metadata-store.js";

export interface StepProgress {
  /** What is being done: `reading`, `epoch`, `scoring`. */
  label: string;
  done: number;
  /** Known total (bytes, epochs, rows), for a progress bar. */
  total?: number;
  /** A short value shown after the bar (`loss 0.231`). */
  detail?: string;
}

export interface StepContext {
  plan: Plan;
  /** `planHash(plan)`, computed once per run. */
  planHash: string;
  step: Step;
  projectRoot: string;
  /** Directories outside the project this run may read from and write to (see `files/project-paths.ts`). */
  grants: PathGrants;
  runId: string;
  who: string;
  /** Bytes of the artifact named by `step.inputs[name]`, hash-verified. */
  readInput(name: string): Promise<Uint8Array>;
  /** Bytes of any artifact an upstream step produced (`gate.release/verdict`), hash-verified. */
  readArtifact(artifactName: string): Promise<Uint8Array>;
  /** Content hash of an upstream artifact (`train.m/model`), for lineage. */
  artifactHash(artifactName: string): Promise<string>;
  /** sha256 of each source file this run read (an S3 object's ETag hash, a query result's hash), by source name. */
  dataHashes: Record<string, string>;
  /** Stores `STEP_ID/NAME` in the artifact store (atomic, content-addressed). */
  writeOutput(name: string, content: Uint8Array | string): Promise<void>;
  /** Writes a readable copy of a report under `.mlops/reports/`; returns its path relative to the project root. */
  writeReport(fileName: string, content: string): Promise<string>;
  artifacts: ArtifactStore;
  /** The metadata store; its `registry` is the model registry. */
  metadata: MetadataStore;
  progress(update: StepProgress): void;
  /** A line of information shown under the step (`registered fraud_clf v3`). */
  note(text: string): void;
  /** The process environment: AWS settings for `s3://` data, secrets (`MLOPS_SECRET_NAME_KEY`); never logged. */
  env: Record<string, string | undefined>;
  /**
   * Aborted when the attempt reaches the step's `timeout` (its reason the timeout error): a child
   * process is stopped on it; `progress` throws once the time is up, so in-process loops that
   * report progress stop there.
   */
  signal: AbortSignal;
  /** Set when an external trainer ran in its own container: where it left the model (`run-step --exchange DIR --stage collect`). */
  exchange?: { dir: string; stage: "prepare" | "collect" };
}

/** What a step reports when it succeeds: key metrics for the summary table. */
export interface StepOutcome {
  metrics?: Record<string, number>;
  /** One short phrase for the summary table (`v3 → production`). */
  summary?: string;
  /** Structured records of the step (hyperparameters, curves, search candidates), kept with the run in the metadata store. */
  details?: Record<string, unknown>;
}

/** A step failure the user should read as is (no stack trace): bad data, failed gate, failed expectations. */
export class StepFailure extends Error {
  override readonly name = "StepFailure";
  constructor(
    message: string,
    /** Reports that explain it (project-relative paths). */
    readonly reports: string[] = [],
    readonly metrics?: Record<string, number>,
  ) {
    super(message);
  }
}

/** A failure another attempt may not repeat (a timeout, an external trainer that failed or was killed): retried as the step's `retries` say. */
export class TransientStepFailure extends StepFailure {}

export type StepImplementation = (ctx: StepContext) => Promise<StepOutcome>;

export function jsonBytes(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

export function parseJson<T>(bytes: Uint8Array): T {
  return JSON.parse(new TextDecoder().decode(bytes)) as T;
}
