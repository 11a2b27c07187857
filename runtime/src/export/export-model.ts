/**
 * `mlops models export NAME[@alias|:version] -o DIR|s3://BUCKET/PREFIX`: a registered version's model
 * graph as `model.onnx` with its model card (`model-card.md`, `model-card.json`). The file alone
 * serves the model on any onnxruntime-based server (KServe's ONNX runtime reads it from `s3://`).
 */
import { createHash } from "node:crypto";
import { decodeModel, int64ToNumber } from "@mlops/compiler/onnx";
import { type ExportDestination, writeExportFiles } from "./export-destination.js";
import type { GraphMetadata } from "../graph/graph-contract.js";
import { composeModelGraph } from "../graph/compose-model.js";
import type { FittedFeatures } from "../features/feature-pipeline.js";
import { readGraphMetadata } from "../scoring/scorer.js";
import type { ArtifactStore } from "../store/artifact-store.js";
import type { MetadataStore } from "../store/metadata-store.js";
import type { ModelVersion } from "../store/model-registry.js";
import { buildModelCard, modelCardMarkdown, type CardGateVerdict, type ModelCard } from "./model-card.js";

export interface ModelRef {
  name: string;
  alias?: string;
  version?: number;
}

export class ExportError extends Error {
  override readonly name = "ExportError";
}

/** `fraud_clf`, `fraud_clf@staging`, `fraud_clf:3`. */
export function parseModelRef(text: string): ModelRef {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:@([A-Za-z0-9_.-]+)|:(\d+))?$/.exec(text);
  if (!match) throw new ExportError(`expected NAME, NAME@ALIAS or NAME:VERSION, got ${JSON.stringify(text)}`);
  return { name: match[1]!, ...(match[2] ? { alias: match[2] } : {}), ...(match[3] ? { version: Number(match[3]) } : {}) };
}

export interface ExportResult {
  version: ModelVersion;
  files: string[];
  card: ModelCard;
}

/** The version a reference names: an explicit version, an alias, else `production`, else the latest. */
export async function resolveVersion(metadata: MetadataStore, ref: ModelRef): Promise<ModelVersion> {
  const registry = metadata.registry;
  if (ref.version !== undefined) {
    const found = await registry.getVersion(ref.name, ref.version);
    if (!found) throw new ExportError(`model ${ref.name} has no version ${ref.version}`);
    return found;
  }
  if (ref.alias) {
    const found = await registry.getAlias(ref.name, ref.alias);
    if (!found) throw new ExportError(`model ${ref.name} has no version aliased ${ref.alias}`);
    return found;
  }
  const production = await registry.getAlias(ref.name, "production");
  if (production) return production;
  const latest = (await registry.showModel(ref.name)).latestVersion;
  const found = latest === null ? null : await registry.getVersion(ref.name, latest);
  if (!found) throw new ExportError(`model ${ref.name} has no registered version`);
  return found;
}

export async function exportModel(
  stores: { metadata: MetadataStore; artifacts: ArtifactStore },
  ref: ModelRef,
  destination: ExportDestination,
): Promise<ExportResult> {
  const version = await resolveVersion(stores.metadata, ref);
  const { bytes, metadata } = await modelGraphOf(stores.artifacts, version);
  const model = decodeModel(bytes);
  const opsets = Object.fromEntries((model.opsetImport ?? []).map((o) => [o.domain || "ai.onnx", int64ToNumber(o.version)]));
  const operators = new Set((model.graph?.node ?? []).map((n) => (n.domain ? `${n.domain}.${n.opType}` : n.opType)));
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const gates = await gateVerdicts(stores, version);
  const card = buildModelCard(bytes, sha256, metadata, version, gates, opsets, operators);
  const files = await writeExportFiles(destination, [
    ["model.onnx", bytes],
    ["model-card.json", `${JSON.stringify(card, null, 2)}\n`],
    ["model-card.md", modelCardMarkdown(card)],
  ]).catch((error: Error) => {
    throw destination.kind === "s3" ? new ExportError(error.message) : error;
  });
  return { version, files, card };
}

/** The version's model graph (composed now for a version registered before graphs). */
async function modelGraphOf(artifacts: ArtifactStore, version: ModelVersion): Promise<{ bytes: Uint8Array; metadata: GraphMetadata }> {
  const bytes = await artifacts.get(version.artifactHash);
  const metadata = readGraphMetadata(bytes);
  if (metadata) return { bytes, metadata };
  const task = version.lineage.task as GraphMetadata["task"] | undefined;
  const classes = (decodeModel(bytes).metadataProps ?? []).find((p) => p.key === "classes")?.value;
  if (!version.featuresHash || !task || (task !== "regression" && !classes)) {
    throw new ExportError(`${version.model} v${version.version} was registered before models carried their features: re-run the pipeline`);
  }
  const fitted = await artifacts.getJson<FittedFeatures>(version.featuresHash);
  const composed = composeModelGraph({
    fitted,
    model: bytes,
    name: version.model,
    task,
    classes: task === "regression" ? [] : (JSON.parse(classes!) as string[]),
  });
  return { bytes: composed, metadata: readGraphMetadata(composed)! };
}

interface StoredVerdict {
  gate: string;
  passed: boolean;
  rules: Array<{ rule: string; value: number | null; threshold: number | null; passed: boolean; reason: string }>;
}

/** The verdicts of the gates the version passed: recorded at registration, else found in its run. */
async function gateVerdicts(
  stores: { metadata: MetadataStore; artifacts: ArtifactStore },
  version: ModelVersion,
): Promise<CardGateVerdict[]> {
  const artifacts = (version.lineage.artifacts ?? {}) as { verdicts?: Record<string, string> };
  let hashes = artifacts.verdicts;
  if (!hashes && version.runId) {
    const run = await stores.metadata.showRun(version.runId);
    const gates = (version.lineage.gates as string[] | undefined) ?? [];
    hashes = {};
    for (const gate of gates) {
      const hash = run?.steps.find((s) => s.stepId === `gate.${gate}`)?.outputs[`gate.${gate}/verdict`];
      if (hash) hashes[gate] = hash;
    }
  }
  const verdicts: CardGateVerdict[] = [];
  for (const [gate, hash] of Object.entries(hashes ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const verdict = await stores.artifacts.getJson<StoredVerdict>(hash);
    verdicts.push({
      gate,
      passed: verdict.passed,
      rules: verdict.rules.map((r) => ({ rule: r.rule, value: r.value, threshold: r.threshold, passed: r.passed, reason: r.reason })),
    });
  }
  return verdicts;
}
