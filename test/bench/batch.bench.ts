/**
 * Batch scoring through the runtime's batch path (`scoreDataset`: raw typed rows → fitted feature
 * transforms → chunked onnxruntime runs → task scores, what `batch_predict` does between reading
 * and writing files) against one raw `session.run` over the already-transformed matrix, on the
 * fraud example's model (trained by `runPlan` first) and its data repeated to 200,000 rows.
 * The ratio is the price of the transforms and chunking.
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import * as ort from "onnxruntime-node";
import { buildPlanFromSources } from "../../compiler/src/cli/build-plan.js";
import { runPlan } from "../../runtime/src/executor/executor.js";
import { openStores } from "../../runtime/src/store/open-stores.js";
import { readSource, takeRows, transformDataset, type FittedFeatures } from "../../runtime/src/index.js";
import { scoreDataset } from "../../runtime/src/steps/score.js";

const ROWS = 200_000;
const REPEATS = 7;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  await run();
  const samples: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const start = performance.now();
    await run();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

export default async function bench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "mlops-batch-bench-"));
  try {
    cpSync(fileURLToPath(new URL("../../examples/fraud", import.meta.url)), dir, {
      recursive: true,
      filter: (src) => !/[\\/]\.mlops$/.test(src),
    });
    const io = { stdout: () => {}, stderr: (t: string) => void process.stderr.write(t), isTTY: false, cwd: dir, env: {} };
    const built = buildPlanFromSources(dir, undefined, io);
    if (!built) throw new Error("examples/fraud does not compile");
    const stores = await openStores({ projectRoot: built.projectRoot, cwd: dir, env: {} });
    const trainStart = performance.now();
    const run = await runPlan(built.plan, built.projectRoot, stores);
    const pipelineMs = performance.now() - trainStart;
    if (run.status !== "succeeded") throw new Error("the fraud pipeline failed");
    const model = built.plan.models.fraud_clf!;
    const production = (await stores.metadata.registry.getAlias("fraud_clf", "production"))!;
    const fitted = await stores.artifacts.getJson<FittedFeatures>(production.featuresHash!);
    const session = await ort.InferenceSession.create(await stores.artifacts.get(production.artifactHash));
    const { dataset: small } = await readSource(built.plan.sources.transactions!, built.projectRoot);
    const indices = Uint32Array.from({ length: ROWS }, (_, i) => i % small.rowCount);
    const dataset = takeRows(small, indices);
    const matrix = transformDataset(fitted, dataset);
    const input = new ort.Tensor("float32", matrix.data, [matrix.rows, matrix.width]);
    const runtime = await timed(() => scoreDataset(session, fitted, dataset, model));
    const raw = await timed(() => session.run({ [session.inputNames[0]!]: input }));
    const transformOnly = await timed(async () => transformDataset(fitted, dataset));
    console.log(`fraud pipeline (examples/fraud, ${small.rowCount.toLocaleString("en")} rows, cold): ${(pipelineMs / 1000).toFixed(2)} s`);
    console.log(`batch scoring, ${ROWS.toLocaleString("en")} rows × ${matrix.width} inputs (median of ${REPEATS}):`);
    console.log(
      `  runtime batch path ${runtime.toFixed(1)} ms   raw session.run ${raw.toFixed(1)} ms   ratio ${(runtime / raw).toFixed(2)}`,
    );
    console.log(`  of which feature transforms ${transformOnly.toFixed(1)} ms; ${(ROWS / (runtime / 1000)).toFixed(0)} rows/s end to end`);
    await session.release();
    await stores.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
