/**
 * Loads a registered model version for scoring: its artifact is the model graph (raw columns →
 * prediction). A version registered before models carried their features (a bare model plus a
 * fitted-features artifact) is composed into a graph on load when its model spec is given.
 */
import type { ColumnSpec, ModelSpec } from "@mlops/compiler";
import type { FittedFeatures } from "../features/feature-pipeline.js";
import { modelGraphBytes } from "./model-session.js";
import { openScorer, readGraphMetadata, ScorerError, type Scorer } from "./scorer.js";

export interface ArtifactReader {
  get(hash: string): Promise<Uint8Array>;
}

/** What a registry version says about where its artifacts are. */
export interface RegisteredVersionRef {
  model: string;
  version: number;
  artifactHash: string;
  featuresHash?: string | null;
}

export interface LoadScorerOptions {
  /** The plan's model (for versions registered before graphs, and for record checks). */
  spec?: Pick<ModelSpec, "name" | "task" | "target">;
  /** The source's columns: records are checked against their ranges too. */
  columns?: readonly ColumnSpec[];
}

export async function loadRegisteredScorer(
  artifacts: ArtifactReader,
  version: RegisteredVersionRef,
  options: LoadScorerOptions = {},
): Promise<Scorer> {
  let bytes: Uint8Array = await artifacts.get(version.artifactHash);
  if (!readGraphMetadata(bytes)) {
    if (!options.spec || !version.featuresHash) {
      throw new ScorerError(
        `${version.model} v${version.version} was registered before models carried their features: re-run the pipeline`,
      );
    }
    const fitted = JSON.parse(new TextDecoder().decode(await artifacts.get(version.featuresHash))) as FittedFeatures;
    bytes = modelGraphBytes(bytes, fitted, options.spec);
  }
  return openScorer(bytes, options.columns ? { columns: options.columns } : {});
}
