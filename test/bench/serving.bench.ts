/**
 * Serving latency of one row: a JSON-like record through the model graph (`Scorer.scoreRecords`:
 * typing and checking the record, building the input tensors, one `session.run` of features +
 * model, reading the label and probabilities) beside the bare model's `session.run` on a ready
 * one-row feature vector — on the fraud example's registered model (trained by `runPlan` first).
 * When `mlops serve` is built, its HTTP round trip adds the server's own cost on top of this.
 */
import { rmSync } from "node:fs";
import { performance } from "node:perf_hooks";
import * as ort from "onnxruntime-node";
import { runPlan } from "../../runtime/src/executor/executor.js";
import {
  featureMatrix,
  latencyPercentiles,
  loadRegisteredScorer,
  readSource,
  toRecords,
  type FittedFeatures,
} from "../../runtime/src/index.js";
import { logisticRegressionOnnx } from "../../runtime/src/onnx/linear-models.js";
import { openStores } from "../../runtime/src/store/open-stores.js";
import { copyFraudExample, compileProject } from "./support/fraud-project.js";

const SAMPLES = 2000;

async function sample(run: (i: number) => Promise<unknown>): Promise<{ p50: number; p95: number; p99: number }> {
  for (let i = 0; i < 200; i++) await run(i);
  const times = new Float64Array(SAMPLES);
  for (let i = 0; i < SAMPLES; i++) {
    const start = performance.now();
    await run(i);
    times[i] = performance.now() - start;
  }
  return latencyPercentiles(times);
}

const us = (ms: number): string => `${(ms * 1000).toFixed(0)} µs`;

export default async function bench(): Promise<void> {
  const dir = copyFraudExample("serving-bench");
  try {
    const built = compileProject(dir);
    const stores = await openStores({ projectRoot: built.projectRoot, cwd: dir, env: {} });
    const run = await runPlan(built.plan, built.projectRoot, stores);
    if (run.status !== "succeeded") throw new Error("the fraud pipeline failed");
    const model = built.plan.models.fraud_clf!;
    const production = (await stores.metadata.registry.getAlias("fraud_clf", "production"))!;
    const scorer = await loadRegisteredScorer(stores.artifacts, production, { spec: model });
    const { dataset } = await readSource(built.plan.sources.transactions!, built.projectRoot);
    const records = toRecords(dataset).slice(0, 1000);
    const fitted = await stores.artifacts.getJson<FittedFeatures>(production.featuresHash!);
    const matrix = await featureMatrix(fitted, dataset);
    const bare = await ort.InferenceSession.create(logisticRegressionOnnx(new Float32Array(matrix.width).fill(0.01), 0));
    const rowTensor = (i: number) =>
      new ort.Tensor("float32", matrix.data.subarray(i * matrix.width, (i + 1) * matrix.width), [1, matrix.width]);
    const graph = await sample((i) => scorer.scoreRecords([records[i % records.length]!]));
    const bareModel = await sample((i) => bare.run({ features: rowTensor(i % records.length) }));
    console.log(`one-row latency, fraud_clf (${matrix.width} inputs from ${scorer.inputs.length} raw columns), ${SAMPLES} requests:`);
    console.log(`  record through the graph (scoreRecords)  p50 ${us(graph.p50)}  p95 ${us(graph.p95)}  p99 ${us(graph.p99)}`);
    console.log(`  bare model session.run                    p50 ${us(bareModel.p50)}  p95 ${us(bareModel.p95)}  p99 ${us(bareModel.p99)}`);
    console.log(`  ratio graph / bare: p50 ${(graph.p50 / bareModel.p50).toFixed(2)}, p95 ${(graph.p95 / bareModel.p95).toFixed(2)}`);
    await scorer.release();
    await bare.release();
    await stores.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
