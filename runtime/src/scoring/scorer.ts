/**
 * A loaded model graph with its metadata: rows → one run of the graph (raw columns → features →
 * model → task outputs). Evaluation, monitoring and tools score through it; batch scoring and the
 * model server share `steps/score.ts`, which runs the same graph (`run-graph.ts`).
 */
import * as ort from "onnxruntime-node";
import type { ColumnSpec, Task } from "@mlops/compiler";
import { sourceRowOf, type Dataset } from "../data/dataset.js";
import { feedsFromDataset, feedsFromRecords, type Feeds, type RecordLike } from "../graph/graph-feeds.js";
import type { GraphInput, GraphMetadata, GraphSlot } from "../graph/graph-contract.js";
import { readGraphMetadata } from "./graph-metadata.js";
import { runGraph, type Scores } from "./run-graph.js";

export type { Scores } from "./run-graph.js";
export { readGraphMetadata, GraphMetadataError } from "./graph-metadata.js";

export interface ScoreOptions {
  /** Also return the model input vectors (the graph's `features` output). */
  features?: boolean;
  /** Leave out the class names (only probabilities; evaluation needs no labels). */
  labels?: boolean;
}

export interface Scorer {
  readonly metadata: GraphMetadata;
  readonly model: string;
  readonly task: Task;
  readonly classes: readonly string[];
  readonly inputs: readonly GraphInput[];
  readonly slots: readonly GraphSlot[];
  /** Scores JSON-like records (missing key = null); a record that does not fit is a `DataError` `invalid-record`. */
  scoreRecords(records: ReadonlyArray<RecordLike>, options?: ScoreOptions): Promise<Scores>;
  /** Scores a typed dataset holding (at least) the input columns. */
  scoreDataset(dataset: Dataset, options?: ScoreOptions): Promise<Scores>;
  /** Scores ready-made input tensors (`rows` rows). */
  scoreFeeds(feeds: Feeds, rows: number, options?: ScoreOptions, rowOf?: (i: number) => number): Promise<Scores>;
  /** The onnxruntime session (latency measurements). */
  readonly session: ort.InferenceSession;
  release(): Promise<void>;
}

export class ScorerError extends Error {
  override readonly name = "ScorerError";
}

export interface OpenScorerOptions {
  /** Column specs (ranges) to check records against; by default the graph's input types. */
  columns?: readonly ColumnSpec[];
  session?: ort.InferenceSession.SessionOptions;
}

export async function openScorer(bytes: Uint8Array, options: OpenScorerOptions = {}): Promise<Scorer> {
  const metadata = readGraphMetadata(bytes);
  if (!metadata) throw new ScorerError("the model has no mlops graph metadata (it takes a feature vector, not raw columns)");
  const session = await ort.InferenceSession.create(bytes, options.session ?? {});
  return new GraphScorer(metadata, session, options.columns ?? []);
}

class GraphScorer implements Scorer {
  readonly model: string;
  readonly task: Task;
  readonly classes: readonly string[];
  readonly inputs: readonly GraphInput[];
  readonly slots: readonly GraphSlot[];
  private readonly columns: readonly ColumnSpec[];

  constructor(
    readonly metadata: GraphMetadata,
    readonly session: ort.InferenceSession,
    columns: readonly ColumnSpec[],
  ) {
    this.model = metadata.model;
    this.task = metadata.task;
    this.classes = metadata.classes;
    this.inputs = metadata.inputs;
    this.slots = metadata.slots;
    const byName = new Map(columns.map((c) => [c.name, c]));
    this.columns = metadata.inputs.map((i) => byName.get(i.column) ?? { name: i.column, type: i.type, unique: false });
  }

  scoreRecords(records: ReadonlyArray<RecordLike>, options: ScoreOptions = {}): Promise<Scores> {
    return this.scoreFeeds(feedsFromRecords(this.inputs, this.columns, records), records.length, options);
  }

  scoreDataset(dataset: Dataset, options: ScoreOptions = {}): Promise<Scores> {
    return this.scoreFeeds(feedsFromDataset(this.inputs, dataset), dataset.rowCount, options, (i) => sourceRowOf(dataset, i));
  }

  scoreFeeds(feeds: Feeds, rows: number, options: ScoreOptions = {}, rowOf?: (i: number) => number): Promise<Scores> {
    return runGraph(this.session, feeds, rows, {
      task: this.task,
      slots: this.slots,
      width: this.metadata.width,
      labels: options.labels !== false,
      features: options.features === true,
      ...(rowOf ? { rowOf } : {}),
    });
  }

  release(): Promise<void> {
    return this.session.release();
  }
}
