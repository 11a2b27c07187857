import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readOnnxSignature as compilerReadSignature } from "@mlops/compiler";
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { linearRegressionOnnx, logisticRegressionOnnx, readOnnxSignature, softmaxRegressionOnnx } from "../../src/index.js";
import { requiredInCi } from "../../../test/support/required-in-ci.js";

const rows = new Float32Array([1, 2, 3, -1, 0, 0.5, 2, 2, -2]);
const nRows = 3;
const nCols = 3;

async function run(bytes: Uint8Array, x = rows, n = nRows, d = nCols): Promise<ort.InferenceSession.ReturnType> {
  const session = await ort.InferenceSession.create(bytes);
  return session.run({ features: new ort.Tensor("float32", x, [n, d]) });
}

function dot(i: number, w: number[]): number {
  let s = 0;
  for (let j = 0; j < nCols; j++) s += rows[i * nCols + j]! * w[j]!;
  return s;
}

describe("linear model ONNX graphs run in onnxruntime", () => {
  it("linear regression: prediction = x·w + b, shape [N]", async () => {
    const w = [0.5, -1, 2];
    const out = await run(linearRegressionOnnx(w, 3));
    const prediction = out.prediction!;
    expect(prediction.dims).toEqual([3]);
    expect(prediction.type).toBe("float32");
    for (let i = 0; i < nRows; i++) expect(prediction.data[i]).toBeCloseTo(dot(i, w) + 3, 5);
  });

  it("logistic regression: probability, probabilities [N,2] and label", async () => {
    const w = [0.3, -0.2, 0.1];
    const out = await run(logisticRegressionOnnx(w, -0.1));
    expect(out.probabilities!.dims).toEqual([3, 2]);
    expect(out.probability!.dims).toEqual([3]);
    expect(out.label!.dims).toEqual([3]);
    expect(out.label!.type).toBe("int64");
    for (let i = 0; i < nRows; i++) {
      const p = 1 / (1 + Math.exp(-(dot(i, w) - 0.1)));
      expect(out.probability!.data[i]).toBeCloseTo(p, 6);
      expect(out.probabilities!.data[2 * i + 1]).toBeCloseTo(p, 6);
      expect(out.probabilities!.data[2 * i]).toBeCloseTo(1 - p, 6);
      expect(Number(out.label!.data[i])).toBe(p > 0.5 ? 1 : 0);
    }
  });

  it("softmax regression: probabilities [N,K] sum to 1 and label is the argmax", async () => {
    // W is [D, K] row-major, K = 4
    const w = [1, 0, -1, 0.5, 0, 1, 0, -0.5, 0.2, 0.2, 0.2, 0];
    const b = [0, 0.1, -0.1, 0];
    const out = await run(softmaxRegressionOnnx(w, b));
    expect(out.probabilities!.dims).toEqual([3, 4]);
    for (let i = 0; i < nRows; i++) {
      const logits = [0, 1, 2, 3].map((k) => b[k]! + [0, 1, 2].reduce((s, j) => s + rows[i * 3 + j]! * w[j * 4 + k]!, 0));
      const max = Math.max(...logits);
      const e = logits.map((z) => Math.exp(z - max));
      const total = e.reduce((a, c) => a + c, 0);
      for (let k = 0; k < 4; k++) expect(out.probabilities!.data[i * 4 + k]).toBeCloseTo(e[k]! / total, 6);
      expect(Number(out.label!.data[i])).toBe(logits.indexOf(max));
    }
  });

  it("puts an optional standardisation (Sub, Div) in front of the model", async () => {
    const w = [1, 1, 1];
    const bytes = linearRegressionOnnx(w, 0, { inputTransform: { offset: [1, 0, 0], scale: [2, 1, 0.5] } });
    const out = await run(bytes);
    for (let i = 0; i < nRows; i++) {
      const x = [0, 1, 2].map((j) => rows[i * 3 + j]!);
      expect(out.prediction!.data[i]).toBeCloseTo((x[0]! - 1) / 2 + x[1]! + x[2]! / 0.5, 5);
    }
  });

  it("accepts any batch size (symbolic N)", async () => {
    const out = await run(logisticRegressionOnnx([1, 1, 1], 0), rows.subarray(0, 3), 1, 3);
    expect(out.label!.dims).toEqual([1]);
  });
});

describe("readOnnxSignature", () => {
  it("reads what the writer declared", () => {
    expect(readOnnxSignature(softmaxRegressionOnnx(new Array(6).fill(0), [0, 0, 0]))).toEqual({
      inputs: [{ name: "features", elementType: "float32", shape: [null, 2] }],
      outputs: [
        { name: "label", elementType: "int64", shape: [null] },
        { name: "probabilities", elementType: "float32", shape: [null, 3] },
      ],
    });
    expect(readOnnxSignature(linearRegressionOnnx([1, 2], 0)).outputs).toEqual([
      { name: "prediction", elementType: "float32", shape: [null] },
    ]);
  });

  it("agrees with the compiler's compile-time reader (what `pretrained` checks use)", () => {
    for (const bytes of [linearRegressionOnnx([1, 2], 0), logisticRegressionOnnx([1, 2], 0), softmaxRegressionOnnx([1, 2, 3, 4], [0, 0])]) {
      expect(compilerReadSignature(bytes)).toEqual(readOnnxSignature(bytes));
    }
  });

  it("rejects bytes that are not a model", () => {
    expect(() => readOnnxSignature(new TextEncoder().encode("hello, this is not protobuf"))).toThrow(/not an ONNX model/);
    expect(() => readOnnxSignature(new Uint8Array())).toThrow(/not an ONNX model/);
  });
});

const python = "/usr/bin/python3";
const hasOnnx = requiredInCi(
  spawnSync(python, ["-c", "import onnx"], { stdio: "ignore" }).status === 0,
  "onnx.checker: /usr/bin/python3 with onnx",
  "apt-get install -y python3-onnx",
);

describe.skipIf(!hasOnnx)("onnx.checker (python3-onnx)", () => {
  it("accepts every model kind with full checks and shape inference", () => {
    const dir = mkdtempSync(join(tmpdir(), "mlops-onnx-"));
    const files = {
      linear: linearRegressionOnnx([1, 2, 3], 0.5),
      logistic: logisticRegressionOnnx([1, 2, 3], 0.5),
      softmax: softmaxRegressionOnnx([1, 2, 3, 4, 5, 6], [0, 0]),
      standardised: logisticRegressionOnnx([1, 2], 0, {
        inputTransform: { offset: [1, 2], scale: [3, 4] },
        metadata: { classes: '["no","yes"]' },
      }),
    };
    const paths = Object.entries(files).map(([name, bytes]) => {
      const path = join(dir, `${name}.onnx`);
      writeFileSync(path, bytes);
      return path;
    });
    const script = [
      "import sys, onnx",
      "from onnx import shape_inference",
      "for p in sys.argv[1:]:",
      "    m = onnx.load(p)",
      "    onnx.checker.check_model(m, full_check=True)",
      "    assert m.ir_version == 8 and m.opset_import[0].version == 17, p",
      "    shape_inference.infer_shapes(m, strict_mode=True)",
      "print('ok')",
    ].join("\n");
    expect(execFileSync(python, ["-c", script, ...paths], { encoding: "utf8" }).trim()).toBe("ok");
  });

  it("readOnnxSignature reads a model written by the onnx library (weights listed as inputs, seq(map) output)", () => {
    const dir = mkdtempSync(join(tmpdir(), "mlops-onnx-"));
    const path = join(dir, "foreign.onnx");
    const script = [
      "import sys, onnx",
      "from onnx import helper, TensorProto",
      "W = helper.make_tensor('W', TensorProto.FLOAT, [4, 2], [0.0] * 8)",
      "inputs = [helper.make_tensor_value_info('input', TensorProto.FLOAT, ['batch', 4]),",
      "          helper.make_tensor_value_info('W', TensorProto.FLOAT, [4, 2])]",
      "t = onnx.TypeProto()",
      "t.sequence_type.elem_type.map_type.key_type = TensorProto.INT64",
      "t.sequence_type.elem_type.map_type.value_type.tensor_type.elem_type = TensorProto.FLOAT",
      "seq = onnx.ValueInfoProto(name='output_probability', type=t)",
      "outputs = [helper.make_tensor_value_info('scores', TensorProto.DOUBLE, [None, 2]), seq]",
      "nodes = [helper.make_node('MatMul', ['input', 'W'], ['scores32']), helper.make_node('Cast', ['scores32'], ['scores'], to=TensorProto.DOUBLE)]",
      "graph = helper.make_graph(nodes, 'g', inputs, outputs, [W])",
      "onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)]), sys.argv[1])",
    ].join("\n");
    execFileSync(python, ["-c", script, path]);
    expect(readOnnxSignature(readFileSync(path))).toEqual({
      inputs: [{ name: "input", elementType: "float32", shape: [null, 4] }],
      outputs: [
        { name: "scores", elementType: "float64", shape: [null, 2] },
        { name: "output_probability", elementType: "seq(map(int64,float32))", shape: [] },
      ],
    });
  });
});
