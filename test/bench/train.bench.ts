/**
 * Built-in logistic regression on 1M generated rows × 20 features (80/20 split):
 * training time (wall and CPU) and test AUC beside scikit-learn's StandardScaler +
 * LogisticRegression on the same matrix (same objective: C = 1 ⇔ l2 = 1 / n_train), both
 * timed from the matrix in memory to the fitted model; then batch inference through
 * `predictBatch` against one raw `session.run` over the same rows.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import * as ort from "onnxruntime-node";
import { predictBatch, rocAuc, seededRandom, train, type TrainedModel } from "../../runtime/src/index.js";

const ROWS = 1_000_000;
const COLS = 20;
const TRAIN_ROWS = 800_000;
const PYTHON = "/usr/bin/python3";

function generate(): { x: Float32Array; y: Float64Array } {
  const random = seededRandom(2024);
  const beta = Array.from({ length: COLS }, (_, j) => (j % 4 === 3 ? 0 : random.nextNormal() * 0.5));
  const scale = Array.from({ length: COLS }, (_, j) => [1, 10, 0.1, 3][j % 4]!);
  const x = new Float32Array(ROWS * COLS);
  const y = new Float64Array(ROWS);
  for (let i = 0; i < ROWS; i++) {
    let score = -1;
    for (let j = 0; j < COLS; j++) {
      const z = random.nextNormal();
      x[i * COLS + j] = z * scale[j]! + j;
      score += z * beta[j]!;
    }
    y[i] = random.next() < 1 / (1 + Math.exp(-score)) ? 1 : 0;
  }
  return { x, y };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

interface Timing {
  seconds: number;
  cpuSeconds: number;
  auc: number;
  iterations: number;
  threads?: number;
}

const ROUNDS = 3;

/** scikit-learn's fit of StandardScaler + LogisticRegression on the same float32 matrix, in memory; null without sklearn. */
function sklearnRound(dir: string): Timing | null {
  const script = `
import sys, json, time, numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
X = np.fromfile(sys.argv[1], dtype='<f4').reshape(-1, ${COLS}); y = np.fromfile(sys.argv[2], dtype='<f8')
Xtr, ytr, Xte, yte = X[:${TRAIN_ROWS}], y[:${TRAIN_ROWS}], X[${TRAIN_ROWS}:], y[${TRAIN_ROWS}:]
start, cpu = time.perf_counter(), time.process_time()
model = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, tol=1e-4, max_iter=100)).fit(Xtr, ytr)
seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
print(json.dumps({"seconds": seconds, "cpuSeconds": cpu_seconds, "auc": roc_auc_score(yte, model.predict_proba(Xte)[:, 1]),
  "iterations": int(model[-1].n_iter_[0])}))`;
  const out = execFileSync(PYTHON, ["-W", "ignore", "-c", script, join(dir, "x.f32"), join(dir, "y.f64")], {
    encoding: "utf8",
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out) as Timing;
}

function mlopsRound(x: Float32Array, y: Float64Array): { timing: Omit<Timing, "auc">; model: TrainedModel } {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const model = train(
    { kind: "logistic_regression", epochs: 100, learningRate: 0.1, l2: 1 / TRAIN_ROWS, batchSize: 0, tolerance: 1e-6 },
    "binary_classification",
    x.subarray(0, TRAIN_ROWS * COLS),
    TRAIN_ROWS,
    COLS,
    y.subarray(0, TRAIN_ROWS),
  );
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  return {
    timing: { seconds, cpuSeconds: (used.user + used.system) / 1e6, iterations: model.iterations, threads: model.threads },
    model,
  };
}

function medianOf(timings: Timing[], key: "seconds" | "cpuSeconds"): number {
  return median(timings.map((t) => t[key]));
}

export default async function bench(): Promise<void> {
  const { x, y } = generate();
  const testRows = ROWS - TRAIN_ROWS;
  const xTest = x.subarray(TRAIN_ROWS * COLS);
  const yTest = y.subarray(TRAIN_ROWS);
  const hasSklearn = spawnSync(PYTHON, ["-c", "import sklearn, numpy"], { stdio: "ignore" }).status === 0;
  const dir = mkdtempSync(join(tmpdir(), "mlops-bench-"));
  const ours: Timing[] = [];
  const peers: Timing[] = [];
  let session: ort.InferenceSession | undefined;
  try {
    writeFileSync(join(dir, "x.f32"), new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
    writeFileSync(join(dir, "y.f64"), new Uint8Array(y.buffer, y.byteOffset, y.byteLength));
    // interleaved rounds, so that load from other work falls on both sides alike
    for (let round = 0; round < ROUNDS; round++) {
      const { timing, model } = mlopsRound(x, y);
      session ??= await ort.InferenceSession.create(model.toOnnx());
      const scored = await predictBatch(session, xTest, testRows, COLS);
      ours.push({ ...timing, auc: rocAuc(yTest, scored.probability!.data as Float32Array) });
      const peer = hasSklearn ? sklearnRound(dir) : null;
      if (peer) peers.push(peer);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const threads = ours.map((t) => t.threads).join("/");
  const describeRun = (t: Timing[]): string =>
    `${medianOf(t, "seconds").toFixed(2)} s wall, ${medianOf(t, "cpuSeconds").toFixed(2)} s CPU  AUC ${t[0]!.auc.toFixed(5)}  (${t[0]!.iterations} iterations)`;
  console.log(
    `logistic_regression, ${ROWS.toLocaleString("en")} rows × ${COLS} (train ${TRAIN_ROWS.toLocaleString("en")}), median of ${ROUNDS} interleaved rounds:`,
  );
  console.log(`  mlops    ${describeRun(ours)}`);
  console.log(
    `           train() on the float32 matrix in memory: column statistics, L-BFGS to tolerance 1e-6 (threads per round: ${threads}, by idle cores of ${availableParallelism()}), weights folded back`,
  );
  if (peers.length > 0) {
    console.log(`  sklearn  ${describeRun(peers)}`);
    console.log(
      "           StandardScaler + LogisticRegression(lbfgs, C=1).fit on the same float32 matrix in memory (scaled copy, float64 conversion, BLAS threads)",
    );
    console.log(
      `  time ratio mlops / sklearn: ${(medianOf(ours, "seconds") / medianOf(peers, "seconds")).toFixed(2)} wall, ${(medianOf(ours, "cpuSeconds") / medianOf(peers, "cpuSeconds")).toFixed(2)} CPU`,
    );
    console.log(`  AUC mlops - sklearn: ${(ours[0]!.auc - peers[0]!.auc).toExponential(2)}`);
  } else {
    console.log("  sklearn  peer not available (install python3-sklearn for /usr/bin/python3)");
  }
  if (!session) return;
  const scoring = session;

  const rawTimes: number[] = [];
  const batchTimes: number[] = [];
  const feeds = { features: new ort.Tensor("float32", xTest, [testRows, COLS]) };
  const timeRaw = async (): Promise<void> => {
    const t = performance.now();
    await scoring.run(feeds);
    rawTimes.push(performance.now() - t);
  };
  const timeBatch = async (): Promise<void> => {
    const t = performance.now();
    await predictBatch(scoring, xTest, testRows, COLS);
    batchTimes.push(performance.now() - t);
  };
  for (let round = 0; round < 9; round++) {
    // alternate the order so that neither side always runs on a warmer cache
    if (round % 2 === 0) {
      await timeRaw();
      await timeBatch();
    } else {
      await timeBatch();
      await timeRaw();
    }
  }
  const raw = median(rawTimes);
  const batch = median(batchTimes);
  console.log(`batch inference, ${testRows.toLocaleString("en")} rows (median of 9):`);
  console.log(`  predictBatch ${batch.toFixed(1)} ms   raw session.run ${raw.toFixed(1)} ms   ratio ${(batch / raw).toFixed(2)}`);
}
