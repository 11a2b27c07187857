/** How the commands name a recorded run: an id, a unique prefix of one, or `latest` (the newest run). */
import type { MetadataStore } from "../store/metadata-store.js";

/** `latest` becomes the newest run's id (it stays `latest` when there is none); ids and prefixes pass through. */
export async function resolveRunRef(metadata: MetadataStore, ref: string): Promise<string> {
  if (ref !== "latest") return ref;
  return (await metadata.listRuns({ limit: 1 }))[0]?.id ?? ref;
}
