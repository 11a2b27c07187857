/**
 * Built-in logistic regression on 1M generated rows × 20 features (80/20 split):
 * training time and test AUC beside scikit-learn's LogisticRegression on the same
 * data (same objective: C = 1 ⇔ l2 = 1 / n_train); then batch inference through
 * `predictBatch` against one raw `session.run` over the same rows.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import * as ort from "onnxruntime-node";
import { predictBatch, rocAuc, seededRandom, train } from "../../runtime/src/index.js";

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

interface PeerResult {
  seconds: number;
  auc: number;
  iterations: number;
  scaledSeconds: number;
  scaledAuc: number;
}

function sklearnPeer(x: Float32Array, y: Float64Array): PeerResult | null {
  if (spawnSync(PYTHON, ["-c", "import sklearn, numpy"], { stdio: "ignore" }).status !== 0) return null;
  const dir = mkdtempSync(join(tmpdir(), "mlops-bench-"));
  try {
    writeFileSync(join(dir, "x.f32"), new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
    writeFileSync(join(dir, "y.f64"), new Uint8Array(y.buffer, y.byteOffset, y.byteLength));
    const script = `
import sys, json, time, numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
X = np.fromfile(sys.argv[1], dtype='<f4').reshape(-1, ${COLS}); y = np.fromfile(sys.argv[2], dtype='<f8')
Xtr, ytr, Xte, yte = X[:${TRAIN_ROWS}], y[:${TRAIN_ROWS}], X[${TRAIN_ROWS}:], y[${TRAIN_ROWS}:]
start = time.perf_counter()
model = LogisticRegression(C=1.0, tol=1e-4, max_iter=100).fit(Xtr, ytr)
seconds = time.perf_counter() - start
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
start = time.perf_counter()
scaled = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, tol=1e-4, max_iter=100)).fit(Xtr, ytr)
scaled_seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "auc": roc_auc_score(yte, model.predict_proba(Xte)[:, 1]),
  "iterations": int(model.n_iter_[0]), "scaledSeconds": scaled_seconds,
  "scaledAuc": roc_auc_score(yte, scaled.predict_proba(Xte)[:, 1])}))`;
    const out = execFileSync(PYTHON, ["-W", "ignore", "-c", script, join(dir, "x.f32"), join(dir, "y.f64")], {
      encoding: "utf8",
      maxBuffer: 1 << 20,
    });
    return JSON.parse(out) as PeerResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function bench(): Promise<void> {
  const { x, y } = generate();
  const xTrain = x.subarray(0, TRAIN_ROWS * COLS);
  const yTrain = y.subarray(0, TRAIN_ROWS);
  const testRows = ROWS - TRAIN_ROWS;
  const xTest = x.subarray(TRAIN_ROWS * COLS);
  const yTest = y.subarray(TRAIN_ROWS);

  const start = performance.now();
  const model = train(
    { kind: "logistic_regression", epochs: 100, learningRate: 0.1, l2: 1 / TRAIN_ROWS, batchSize: 0, tolerance: 1e-6 },
    "binary_classification",
    xTrain,
    TRAIN_ROWS,
    COLS,
    yTrain,
  );
  const seconds = (performance.now() - start) / 1000;
  const session = await ort.InferenceSession.create(model.toOnnx());
  const scored = await predictBatch(session, xTest, testRows, COLS);
  const auc = rocAuc(yTest, scored.probability!.data as Float32Array);
  console.log(`logistic_regression, ${ROWS.toLocaleString("en")} rows × ${COLS} (train ${TRAIN_ROWS.toLocaleString("en")}):`);
  console.log(
    `  mlops    ${seconds.toFixed(2)} s  AUC ${auc.toFixed(5)}  (${model.solver}, ${model.iterations} iterations, converged ${model.converged})`,
  );

  const peer = sklearnPeer(x, y);
  if (peer) {
    console.log(
      `  sklearn  ${peer.seconds.toFixed(2)} s  AUC ${peer.auc.toFixed(5)}  (LogisticRegression lbfgs, C=1, ${peer.iterations} iterations)`,
    );
    console.log(`  sklearn  ${peer.scaledSeconds.toFixed(2)} s  AUC ${peer.scaledAuc.toFixed(5)}  (StandardScaler + LogisticRegression)`);
    console.log(
      `  time ratio mlops / sklearn: ${(seconds / peer.seconds).toFixed(2)} (raw), ${(seconds / peer.scaledSeconds).toFixed(2)} (scaled)`,
    );
    console.log(`  AUC mlops - sklearn: ${(auc - peer.auc).toExponential(2)} (raw), ${(auc - peer.scaledAuc).toExponential(2)} (scaled)`);
  } else {
    console.log("  sklearn  peer not available (install python3-sklearn for /usr/bin/python3)");
  }

  const rawTimes: number[] = [];
  const batchTimes: number[] = [];
  const feeds = { features: new ort.Tensor("float32", xTest, [testRows, COLS]) };
  const timeRaw = async (): Promise<void> => {
    const t = performance.now();
    await session.run(feeds);
    rawTimes.push(performance.now() - t);
  };
  const timeBatch = async (): Promise<void> => {
    const t = performance.now();
    await predictBatch(session, xTest, testRows, COLS);
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
