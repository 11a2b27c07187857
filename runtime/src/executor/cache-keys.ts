/**
 * Effective cache keys: a step's static `cacheKey` from the plan, and for `dataDependent` steps
 * also the content hash of the data it reads (an ingest's source file) or the effective keys of
 * the steps it needs — so editing a data file re-runs exactly what depends on it. Data files are
 * hashed through the project's stat-keyed cache (`files/file-hash-cache.ts`): an unchanged file is
 * not read again.
 */
import { createHash } from "node:crypto";
import type { Plan, Step } from "@mlops/compiler";
import { FileHashCache } from "../files/file-hash-cache.js";
import { isRemoteSource, remoteDataHash } from "../data/remote-source.js";
import { NO_GRANTS, resolveInput, type PathGrants } from "../files/project-paths.js";
import { withUpstream } from "./upstream.js";

export interface EffectiveKeys {
  keys: Map<string, string>;
  /** sha256 of each source file an ingest step reads (absent when the file cannot be read). */
  dataHashes: Record<string, string>;
}

/** How a run reaches its data: project files (plus granted directories), and the environment for `s3://` and `postgres` sources. */
export interface DataAccess {
  grants?: PathGrants;
  /** AWS settings for `s3://` objects, secret values for `postgres` connections. */
  env?: Record<string, string | undefined>;
}

/**
 * The keys of every step, or with `forSteps` of those steps and what they need, transitively: a
 * monitor's or a batch's run then hashes no training data it does not read (a `postgres` source's
 * hash is a streamed pass over the query), and its run records only the data it did read.
 */
export async function effectiveKeys(
  plan: Plan,
  projectRoot: string,
  access: DataAccess = {},
  forSteps?: readonly Step[],
): Promise<EffectiveKeys> {
  const wanted = forSteps
    ? withUpstream(
        plan,
        forSteps.map((step) => step.id),
      )
    : undefined;
  const steps = wanted ? plan.steps.filter((step) => wanted.has(step.id)) : plan.steps;
  const dataHashes: Record<string, string> = {};
  const cache = FileHashCache.forProject(projectRoot);
  for (const step of steps) {
    if (step.kind !== "ingest") continue;
    const source = plan.sources[step.subject.name];
    if (!source) continue;
    try {
      // an S3 object's ETag and version, a query's result hash (one streamed pass), a file's content
      dataHashes[source.name] = isRemoteSource(source)
        ? await remoteDataHash(source, access.env ?? {})
        : await cache.hash(await resolveInput(projectRoot, source.path, access.grants ?? NO_GRANTS, `source ${source.name}`));
    } catch {
      // unreachable data, a missing, outside or irregular file: the ingest step's error, with its own message
    }
  }
  await cache.save();
  const keys = new Map<string, string>();
  for (const step of steps) {
    if (!step.dataDependent) {
      keys.set(step.id, step.cacheKey);
      continue;
    }
    const parts =
      step.kind === "ingest"
        ? [`data:${dataHashes[step.subject.name] ?? "missing"}`]
        : step.needs.map((need) => `${need}:${keys.get(need) ?? "unknown"}`);
    keys.set(
      step.id,
      createHash("sha256")
        .update([step.cacheKey, ...parts].join("\n"))
        .digest("hex"),
    );
  }
  return { keys, dataHashes };
}

/** What a run and a registered version record as "the plan": the compiler's hash of the canonical plan text. */
export { planHash } from "@mlops/compiler/core";

/** `ingest.transactions/dataset` → `ingest.transactions`. */
export function producerOf(artifactName: string): string {
  const slash = artifactName.indexOf("/");
  return slash < 0 ? artifactName : artifactName.slice(0, slash);
}
