/** Reads a model graph's `mlops.graph` metadata. */
import { decodeModel } from "@mlops/compiler/onnx";
import { GRAPH_FORMAT, GRAPH_METADATA_KEY, type GraphMetadata } from "../graph/graph-contract.js";

export class GraphMetadataError extends Error {
  override readonly name = "GraphMetadataError";
}

/** The graph's metadata, or null when the bytes are a bare model without one. */
export function readGraphMetadata(bytes: Uint8Array): GraphMetadata | null {
  const entry = (decodeModel(bytes).metadataProps ?? []).find((p) => p.key === GRAPH_METADATA_KEY);
  if (!entry?.value) return null;
  const metadata = JSON.parse(entry.value) as GraphMetadata;
  if (metadata.format !== GRAPH_FORMAT) throw new GraphMetadataError(`model graph format ${metadata.format} is not ${GRAPH_FORMAT}`);
  return metadata;
}
