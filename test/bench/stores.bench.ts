/**
 * A cached no-op run of the fraud plan (every cacheable step a cache hit; gate, register and
 * deploy re-checked) on shared stores — PostgreSQL metadata and registry, S3 artifacts, both real
 * servers on 127.0.0.1 started here — beside the same run on the embedded stores (SQLite + files).
 * Prints the wall time (median of several runs) and the round trips to the servers (SQL statements +
 * S3 requests) beside the store operations the executor made, and the ratios.
 */
import { rmSync } from "node:fs";
import { performance } from "node:perf_hooks";
import type { Plan } from "../../compiler/src/index.js";
import { runPlan } from "../../runtime/src/executor/executor.js";
import type { ArtifactStore } from "../../runtime/src/store/artifact-store.js";
import type { MetadataStore } from "../../runtime/src/store/metadata-store.js";
import { openStores, type Stores } from "../../runtime/src/store/open-stores.js";
import type { PostgresMetadataStore } from "../../runtime/src/store/postgres/pg-metadata-store.js";
import type { S3ArtifactStore } from "../../runtime/src/store/s3/s3-artifact-store.js";
import { postgresBinDir, startPostgres } from "../support/postgres-server.js";
import { startS3 } from "../support/s3-server.js";
import { copyFraudExample, compileProject } from "./support/fraud-project.js";

const REPEATS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Counts every call the executor makes on a store object (and on the registry behind `metadata`). */
function counting<T extends object>(target: T, counter: { calls: number }): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver) as unknown;
      if (property === "registry" && typeof value === "object" && value !== null) return counting(value, counter);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        counter.calls++;
        return (value as (...a: unknown[]) => unknown).apply(object, args);
      };
    },
  });
}

interface Measured {
  ms: number;
  operations: number;
}

async function cachedRuns(plan: Plan, root: string, stores: Stores, roundTrips: () => number): Promise<Measured & { roundTrips: number }> {
  const first = await runPlan(plan, root, stores);
  if (first.status !== "succeeded") throw new Error(`the fraud pipeline failed: ${first.steps.find((s) => s.error)?.error}`);
  const times: number[] = [];
  let operations = 0;
  let trips = 0;
  for (let r = 0; r < REPEATS; r++) {
    const counter = { calls: 0 };
    const before = roundTrips();
    const start = performance.now();
    const result = await runPlan(plan, root, {
      artifacts: counting<ArtifactStore>(stores.artifacts, counter),
      metadata: counting<MetadataStore>(stores.metadata, counter),
    });
    times.push(performance.now() - start);
    if (result.steps.some((s) => s.kind !== "gate" && s.kind !== "register" && s.kind !== "deploy" && s.status !== "cached"))
      throw new Error("the repeated run was not a cached no-op");
    operations = counter.calls;
    trips = roundTrips() - before;
  }
  return { ms: median(times), operations, roundTrips: trips };
}

export default async function bench(): Promise<void> {
  if (!postgresBinDir()) {
    console.log("skipped: PostgreSQL not installed (apt-get install -y postgresql)");
    return;
  }
  const dir = copyFraudExample("stores-bench");
  const [postgres, s3] = await Promise.all([startPostgres(), startS3(["bench"])]);
  try {
    const built = compileProject(dir);

    const embedded = await openStores({ projectRoot: dir, cwd: dir, env: {} });
    const local = await cachedRuns(built.plan, dir, embedded, () => 0);
    await embedded.close();

    const env = { ...s3.env, MLOPS_DATABASE_URL: await postgres.createDatabase(), MLOPS_ARTIFACT_STORE: "s3://bench/fraud" };
    const shared = await openStores({ projectRoot: dir, cwd: dir, env });
    const pg = shared.metadata as PostgresMetadataStore;
    const bucket = shared.artifacts as S3ArtifactStore;
    const remote = await cachedRuns(built.plan, dir, shared, () => pg.roundTrips + bucket.requests);
    const sqlTrips = pg.roundTrips;
    await shared.close();

    const steps = built.plan.steps.filter((s) => s.group === "pipeline").length;
    console.log(`cached no-op run of examples/fraud (${steps} steps), median of ${REPEATS}:`);
    console.log(
      `  embedded (SQLite + files)     ${local.ms.toFixed(0).padStart(5)} ms   ${local.operations} store operations, 0 network round trips`,
    );
    console.log(
      `  shared (PostgreSQL + S3)      ${remote.ms.toFixed(0).padStart(5)} ms   ${remote.operations} store operations, ${remote.roundTrips} round trips`,
    );
    console.log(
      `  ratio ${(remote.ms / local.ms).toFixed(2)}× the wall time; ${(remote.roundTrips / remote.operations).toFixed(2)} round trips per store operation ` +
        `(all runs: ${sqlTrips} SQL statements, ${bucket.requests} S3 requests)`,
    );
  } finally {
    postgres.stop();
    await s3.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
