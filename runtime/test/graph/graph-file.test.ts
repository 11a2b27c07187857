/**
 * The model graph as a file: valid for `onnx.checker` (Debian's python3-onnx) and runnable by a
 * fresh onnxruntime session in another process that has none of our code.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fitFeatures } from "../../src/features/feature-pipeline.js";
import { composeModelGraph } from "../../src/graph/compose-model.js";
import { INT64_NULL, STRING_NULL_MARKER } from "../../src/graph/graph-contract.js";
import { linearRegressionOnnx, logisticRegressionOnnx, softmaxRegressionOnnx } from "../../src/onnx/linear-models.js";
import { openScorer } from "../../src/scoring/scorer.js";
import { PYTHON } from "../support/python-reference.js";
import { compileFixture } from "./support/compile.js";
import { datasetOf, sampleRows } from "./support/random-rows.js";

const dir = mkdtempSync(join(tmpdir(), "mlops-graph-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const plan = compileFixture("every-function.mlops");
const source = plan.sources.rows!;
const model = plan.models.m!;
const train = datasetOf(source.columns, sampleRows(source.columns, 300, 3));
const fitted = fitFeatures({ featureSet: plan.featureSets[model.featureSet]!, sourceColumns: source.columns, inputs: model.inputs }, train);
const width = fitted.width;
const graphs = {
  binary: composeModelGraph({
    fitted,
    model: logisticRegressionOnnx(new Array(width).fill(0.001), 0.2),
    name: "m",
    task: "binary_classification",
    classes: ["no", "yes"],
  }),
  multiclass: composeModelGraph({
    fitted,
    model: softmaxRegressionOnnx(
      Array.from({ length: width * 3 }, (_, j) => ((j % 7) - 3) * 1e-4),
      [0.1, 0, -0.1],
    ),
    name: "m",
    task: "multiclass_classification",
    classes: ["a", "b", "c"],
  }),
  regression: composeModelGraph({
    fitted,
    model: linearRegressionOnnx(new Array(width).fill(0.5), 3),
    name: "m",
    task: "regression",
    classes: [],
  }),
};

function onnxAvailable(): boolean {
  const ok = spawnSync(PYTHON, ["-c", "import onnx"], { stdio: "ignore" }).status === 0;
  if (!ok && process.env.CI !== "true") console.warn("onnx.checker test skipped: apt-get install -y python3-onnx");
  return ok || process.env.CI === "true";
}

describe("the model graph file", () => {
  it.runIf(onnxAvailable())("passes onnx.checker, with full shape inference", () => {
    for (const [task, bytes] of Object.entries(graphs)) {
      const path = join(dir, `${task}.onnx`);
      writeFileSync(path, bytes);
      const out = execFileSync(
        PYTHON,
        [
          "-c",
          "import onnx,sys; m = onnx.load(sys.argv[1]); onnx.checker.check_model(m); onnx.checker.check_model(m, full_check=True); print('ok')",
          path,
        ],
        { encoding: "utf8" },
      );
      expect(out.trim(), task).toBe("ok");
    }
  });

  it("runs in a fresh onnxruntime session in another process, with plain tensors, as in the runtime", async () => {
    const path = join(dir, "binary.onnx");
    writeFileSync(path, graphs.binary);
    const ortPath = createRequire(import.meta.url).resolve("onnxruntime-node");
    const row = {
      x: 2.5,
      y: -1,
      n: INT64_NULL,
      k: 3n,
      t: 1_714_550_400_000n,
      u: 1_704_067_199_999n,
      d: INT64_NULL,
      e: STRING_NULL_MARKER,
      s: "a.b",
      w: "banana",
      b: Number.NaN,
      c: true,
    };
    const script = `
const ort = require(${JSON.stringify(ortPath)});
(async () => {
  const session = await ort.InferenceSession.create(${JSON.stringify(path)});
  const t = (type, v) => new ort.Tensor(type, type === "int64" ? BigInt64Array.from([BigInt(v)]) : type === "float64" ? Float64Array.from([v]) : [v], [1]);
  const feeds = {
    x: t("float64", 2.5), y: t("float64", -1), n: t("int64", "${INT64_NULL}"), k: t("int64", 3), t: t("int64", "1714550400000"),
    u: t("int64", "1704067199999"), d: t("int64", "${INT64_NULL}"), e: t("string", "\\u2400"), s: t("string", "a.b"),
    w: t("string", "banana"), b: t("float64", NaN), c: t("bool", true),
  };
  const out = await session.run(feeds);
  console.log(JSON.stringify({ inputs: session.inputNames, label: out.label.data, probabilities: Array.from(out.probabilities.data) }));
})();`;
    const child = JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: dir, encoding: "utf8" })) as {
      inputs: string[];
      label: string[];
      probabilities: number[];
    };
    expect(child.inputs).toEqual(["x", "y", "n", "k", "t", "u", "d", "e", "s", "w", "b", "c"]);
    const scorer = await openScorer(graphs.binary);
    try {
      const record = { ...row, n: null, k: 3, t: 1_714_550_400_000, u: 1_704_067_199_999, d: null, e: null, b: null };
      const scores = await scorer.scoreRecords([record]);
      expect(child.label).toEqual(scores.labels);
      expect(child.probabilities).toEqual(Array.from(scores.probabilities!));
    } finally {
      await scorer.release();
    }
  });
});
