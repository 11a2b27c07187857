/**
 * Batch scoring through the runtime's batch path (`Scorer.scoreDataset`: raw typed rows → input
 * tensors → one run of the model graph, features included → task scores, what `batch_predict`
 * does between reading and writing files; and `Scorer.scoreRecords` from JSON-like records) against one raw `session.run` of the same graph on
 * ready-made tensors, and beside the bare model's `session.run` on the feature matrix, on the
 * fraud example's model (trained by `runPlan` first) and its data repeated to 200,000 rows.
 */
import { rmSync } from "node:fs";
import { performance } from "node:perf_hooks";
import * as ort from "onnxruntime-node";
import { runPlan } from "../../runtime/src/executor/executor.js";
import { openStores } from "../../runtime/src/store/open-stores.js";
import { logisticRegressionOnnx } from "../../runtime/src/onnx/linear-models.js";
import {
  featureMatrix,
  feedsFromDataset,
  openScorer,
  readSource,
  takeRows,
  toRecords,
  type FittedFeatures,
} from "../../runtime/src/index.js";
import { copyFraudExample, compileProject } from "./support/fraud-project.js";

const ROWS = 200_000;
const REPEATS = 9;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * Median time of each contender, measured in rounds that run every contender once (in a rotating
 * order), so a change of load on the shared machine falls on all of them alike.
 */
async function timed(contenders: Array<() => Promise<unknown>>): Promise<number[]> {
  for (const run of contenders) await run();
  const samples = contenders.map(() => [] as number[]);
  for (let r = 0; r < REPEATS; r++) {
    for (let k = 0; k < contenders.length; k++) {
      const index = (k + r) % contenders.length;
      const start = performance.now();
      await contenders[index]!();
      samples[index]!.push(performance.now() - start);
    }
  }
  return samples.map(median);
}

export default async function bench(): Promise<void> {
  const dir = copyFraudExample("batch-bench");
  try {
    const built = compileProject(dir);
    const stores = await openStores({ projectRoot: built.projectRoot, cwd: dir, env: {} });
    const trainStart = performance.now();
    const run = await runPlan(built.plan, built.projectRoot, stores);
    const pipelineMs = performance.now() - trainStart;
    if (run.status !== "succeeded") throw new Error("the fraud pipeline failed");
    const model = built.plan.models.fraud_clf!;
    const production = (await stores.metadata.registry.getAlias("fraud_clf", "production"))!;
    const fitted = await stores.artifacts.getJson<FittedFeatures>(production.featuresHash!);
    const scorer = await openScorer(await stores.artifacts.get(production.artifactHash));
    const { dataset: small } = await readSource(built.plan.sources.transactions!, built.projectRoot);
    const indices = Uint32Array.from({ length: ROWS }, (_, i) => i % small.rowCount);
    const dataset = takeRows(small, indices);
    const matrix = await featureMatrix(fitted, dataset);
    const bare = await ort.InferenceSession.create(logisticRegressionOnnx(new Float32Array(matrix.width).fill(0.01), 0));
    const input = new ort.Tensor("float32", matrix.data, [matrix.rows, matrix.width]);
    const feeds = feedsFromDataset(scorer.inputs, dataset);
    const fetches = model.task === "regression" ? ["value"] : ["probabilities", "label"];
    const records = toRecords(dataset);
    const [runtime, fromRecords, raw, bareRun] = (await timed([
      () => scorer.scoreDataset(dataset),
      () => scorer.scoreRecords(records),
      () => scorer.session.run(feeds, fetches),
      () => bare.run({ features: input }),
    ])) as [number, number, number, number];
    console.log(`fraud pipeline (examples/fraud, ${small.rowCount.toLocaleString("en")} rows, cold): ${(pipelineMs / 1000).toFixed(2)} s`);
    console.log(`batch scoring, ${ROWS.toLocaleString("en")} rows × ${matrix.width} inputs (median of ${REPEATS}):`);
    console.log(
      `  runtime batch path ${runtime.toFixed(1)} ms   raw session.run of the graph ${raw.toFixed(1)} ms   ratio ${(runtime / raw).toFixed(2)} (target <= 1.25)`,
    );
    console.log(
      `  from JSON-like records (serving's typing and checks) ${fromRecords.toFixed(1)} ms   ratio ${(fromRecords / raw).toFixed(2)} to the raw run`,
    );
    console.log(
      `  bare model session.run on the feature matrix ${bareRun.toFixed(1)} ms   ratio runtime / bare ${(runtime / bareRun).toFixed(2)}; ${(ROWS / (runtime / 1000)).toFixed(0)} rows/s end to end`,
    );
    await scorer.release();
    await bare.release();
    await stores.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
