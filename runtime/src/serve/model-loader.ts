/**
 * Loads the model version an alias points at: its model graph from the artifact store (checked
 * against its content hash), an onnxruntime session, the instance schema (the graph's inputs,
 * with the ranges the source declares), and a micro-batcher in front of the shared scoring path;
 * then warms it. A version needs only its graph; a version registered before models carried
 * their features (a bare model) is composed with its fitted-features artifact. A missing or
 * tampered artifact is a `ModelLoadError` that names the artifact.
 */
import type { DeploymentSpec, ModelSpec, SourceSpec } from "@mlops/compiler";
import type { CellValue } from "../data/dataset.js";
import * as ort from "onnxruntime-node";
import { FITTED_FEATURES_FORMAT, type FittedFeatures } from "../features/feature-pipeline.js";
import { classLabels } from "../steps/model-data.js";
import type { TaskScores } from "../steps/model-outputs.js";
import { scoreRows } from "../steps/score.js";
import type { GraphInput, GraphMetadata } from "../graph/graph-contract.js";
import { warmupFeeds } from "../graph/graph-feeds.js";
import { readGraphMetadata } from "../scoring/graph-metadata.js";
import { modelGraphBytes } from "../scoring/model-session.js";
import { ArtifactError } from "../store/artifact-store.js";
import type { ModelVersion } from "../store/model-registry.js";
import { MicroBatcher, type BatchOptions } from "./batcher.js";
import { instanceSchema, type InstanceSchema } from "./instance-schema.js";

/** What one server serves: a deployment's model under one alias. */
export interface ServingTarget {
  deployment: DeploymentSpec;
  model: ModelSpec;
  /** The model's training source (its schema types the requests). */
  source: SourceSpec | undefined;
  alias: string;
}

/** The two store reads serving needs; any backend of the registry and artifact store provides them. */
export interface ServingStores {
  /** The version `alias` points at, or null. */
  resolveAlias(model: string, alias: string): Promise<ModelVersion | null>;
  /** The artifact's content, checked against its hash (an `ArtifactError` when missing or tampered). */
  artifact(hash: string): Promise<Uint8Array>;
}

export interface LoadOptions {
  batch: BatchOptions;
  /** onnxruntime intra-op threads (default 1: requests are small; concurrency comes from batching). */
  threads: number;
  onBatch?: (rows: number) => void;
}

export class ModelLoadError extends Error {
  override readonly name = "ModelLoadError";
}

/** A loaded, warmed version. Requests `acquire` it for their duration; a retired version is released when the last one ends. */
export class LoadedModel {
  readonly schema: InstanceSchema;
  readonly classes: string[];
  private readonly batcher: MicroBatcher;
  private active = 0;
  private retiring: (() => void) | null = null;
  private released = false;

  constructor(
    readonly target: ServingTarget,
    readonly version: ModelVersion,
    /** The version's own graph metadata: its inputs, classes and model input layout. */
    readonly graph: GraphMetadata,
    private readonly session: ort.InferenceSession,
    options: LoadOptions,
  ) {
    this.schema = instanceSchema(graph.inputs, target.source);
    this.classes = graph.classes.length > 0 ? graph.classes : classLabels(target.model);
    this.batcher = new MicroBatcher((rows) => this.scoreNow(rows), options.batch, options.onBatch);
  }

  get name(): string {
    return this.target.model.name;
  }

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  /** Scores checked rows (values in `schema.columns` order: the graph's inputs) in the next micro-batch. */
  score(rows: ReadonlyArray<readonly CellValue[]>): Promise<TaskScores> {
    if (rows.length === 0)
      return Promise.resolve({ values: new Float64Array(0), width: this.classes.length > 2 ? this.classes.length : 1 });
    return this.batcher.submit(rows);
  }

  /** Scores rows now, in one run of their own (warm-up; what the batcher calls). */
  scoreNow(rows: ReadonlyArray<readonly CellValue[]>): Promise<TaskScores> {
    return scoreRows(this.session, this.graph, rows, this.target.model);
  }

  acquire(): void {
    this.active++;
  }

  release(): void {
    this.active--;
    if (this.active === 0 && this.retiring) this.retiring();
  }

  /** Stops taking requests: resolves after the last request holding it ended, then frees the session. */
  async retire(): Promise<void> {
    if (this.released) return;
    if (this.active > 0) await new Promise<void>((resolve) => (this.retiring = resolve));
    await this.batcher.whenIdle();
    this.released = true;
    await this.session.release();
  }
}

export async function loadModel(
  target: ServingTarget,
  version: ModelVersion,
  stores: ServingStores,
  options: LoadOptions,
): Promise<LoadedModel> {
  const label = `${version.model} v${version.version}`;
  const what = `${label}: ONNX model`;
  const stored = await fetchArtifact(stores, version.artifactHash, what);
  let graph = await decodeArtifact(version.artifactHash, what, () => ({ bytes: stored, metadata: readGraphMetadata(stored) }));
  if (!graph.metadata) graph = await composeBareModel(stores, version, target, stored);
  const metadata = graph.metadata!;
  const session = await decodeArtifact(version.artifactHash, what, () =>
    ort.InferenceSession.create(graph.bytes, {
      intraOpNumThreads: options.threads,
      interOpNumThreads: 1,
      executionMode: "sequential",
      graphOptimizationLevel: "all",
    }),
  );
  const model = new LoadedModel(target, version, metadata, session, options);
  try {
    await warm(session, metadata.inputs, options.batch.maxRows);
  } catch (error) {
    await session.release();
    throw new ModelLoadError(`${label}: the model graph does not run on its raw-column inputs: ${(error as Error).message}`);
  }
  return model;
}

/** A version registered before models carried their features: its bare model behind its fitted features. */
async function composeBareModel(
  stores: ServingStores,
  version: ModelVersion,
  target: ServingTarget,
  bare: Uint8Array,
): Promise<{ bytes: Uint8Array; metadata: GraphMetadata | null }> {
  const label = `${version.model} v${version.version}`;
  if (!version.featuresHash) {
    throw new ModelLoadError(
      `${label}: the model takes a feature vector and the version has no fitted-features artifact; re-run the pipeline`,
    );
  }
  const what = `${label}: fitted features`;
  const hash = version.featuresHash;
  const text = await fetchArtifact(stores, hash, what);
  const fitted = await decodeArtifact(hash, what, () => {
    const parsed = JSON.parse(Buffer.from(text).toString("utf8")) as FittedFeatures;
    if (parsed.format !== FITTED_FEATURES_FORMAT)
      throw new Error(`format ${JSON.stringify(parsed.format)}, expected ${FITTED_FEATURES_FORMAT}`);
    return parsed;
  });
  return decodeArtifact(version.artifactHash, `${label}: ONNX model`, () => {
    const bytes = modelGraphBytes(bare, fitted, target.model);
    return { bytes, metadata: readGraphMetadata(bytes) };
  });
}

async function fetchArtifact(stores: ServingStores, hash: string, what: string): Promise<Uint8Array> {
  try {
    return await stores.artifact(hash);
  } catch (error) {
    if (error instanceof ArtifactError) throw new ModelLoadError(`${what}: ${error.message}`);
    throw new ModelLoadError(`${what}: artifact ${hash} cannot be read: ${(error as Error).message}`);
  }
}

async function decodeArtifact<T>(hash: string, what: string, decode: () => T | Promise<T>): Promise<T> {
  try {
    return await decode();
  } catch (error) {
    throw new ModelLoadError(`${what}: artifact ${hash} is not usable: ${(error as Error).message}`);
  }
}

/** Runs the graph at one row and at a full batch so the first requests do not pay for allocation. */
async function warm(session: ort.InferenceSession, inputs: readonly GraphInput[], maxRows: number): Promise<void> {
  for (const rows of [1, Math.max(1, maxRows)]) await session.run(warmupFeeds(inputs, rows));
}
