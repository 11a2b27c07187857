/**
 * An "external" trainer for tests: reads the CSV the runtime writes (MLOPS_TRAIN_DATA), fits a
 * softmax regression and writes ONNX to MLOPS_OUTPUT. `--wrong-width` drops a feature so the
 * signature check must reject the model; `--fail` exits 3; `--anywhere` runs outside the project.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { train } from "../../../src/index.js";

const env = process.env;
if (process.argv.includes("--fail")) {
  console.error("external trainer: failing on purpose");
  process.exit(3);
}
for (const name of ["MLOPS_TRAIN_DATA", "MLOPS_TEST_DATA", "MLOPS_OUTPUT", "MLOPS_TARGET", "MLOPS_FEATURES", "MLOPS_TASK"]) {
  if (!env[name]) throw new Error(`${name} is not set`);
}
if (!existsSync(env.MLOPS_TEST_DATA!)) throw new Error("MLOPS_TEST_DATA does not exist");
// In its own image (--anywhere) the trainer runs from its image's directory, not the project.
if (!process.argv.includes("--anywhere") && !existsSync("iris.mlops")) throw new Error("cwd is not the project root");
const [header, ...lines] = readFileSync(env.MLOPS_TRAIN_DATA!, "utf8").trim().split("\n");
const columns = header!.split(",");
const target = columns.indexOf(env.MLOPS_TARGET!);
const features = columns.filter((_, j) => j !== target).slice(0, process.argv.includes("--wrong-width") ? -1 : undefined);
const rows = lines.map((l) => l.split(",").map(Number));
const x = new Float32Array(rows.length * features.length);
rows.forEach((r, i) => features.forEach((_, j) => (x[i * features.length + j] = r[j]!)));
const y = rows.map((r) => r[target]!);
const model = train(
  { kind: "softmax_regression", epochs: 200, learningRate: 0.1, l2: 0.001, batchSize: 0, tolerance: 1e-6 },
  "multiclass_classification",
  x,
  rows.length,
  features.length,
  y,
  { nClasses: 3 },
);
writeFileSync(env.MLOPS_OUTPUT!, model.toOnnx());
console.log(`external trainer: ${rows.length} rows, ${features.length} features`);
