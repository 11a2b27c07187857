/**
 * Writes the small ONNX files the corpus's `pretrained` cases read (run once with
 * `npx tsx test/corpus/tools/make-onnx.ts`; the files are checked in). Only the
 * signature matters to the checker: graph inputs and outputs with their types.
 */
import { writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { onnxRoot } from "@mlops/compiler";

const here = dirname(fileURLToPath(import.meta.url));
const ModelProto = onnxRoot.lookupType("onnx.ModelProto");
const FLOAT = 1;
const INT64 = 7;

interface Tensor {
  name: string;
  elemType: number;
  shape: Array<number | string>;
}

function valueInfo(t: Tensor) {
  return {
    name: t.name,
    type: {
      tensorType: { elemType: t.elemType, shape: { dim: t.shape.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) } },
    },
  };
}

function write(path: string, inputs: Tensor[], outputs: Tensor[]): void {
  const message = ModelProto.fromObject({
    irVersion: 8,
    graph: { name: "g", input: inputs.map(valueInfo), output: outputs.map(valueInfo) },
  });
  const full = join(here, "..", path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, ModelProto.encode(message).finish());
}

const binaryOut: Tensor[] = [
  { name: "label", elemType: INT64, shape: ["N"] },
  { name: "probabilities", elemType: FLOAT, shape: ["N", 2] },
];
// valid: 3 features → [?, 3]
write("valid/models/churn3.onnx", [{ name: "input", elemType: FLOAT, shape: ["N", 3] }], binaryOut);
write(
  "valid/models/price3.onnx",
  [{ name: "input", elemType: FLOAT, shape: ["N", 3] }],
  [{ name: "variable", elemType: FLOAT, shape: ["N", 1] }],
);
// invalid
write("invalid/signature/models/width5.onnx", [{ name: "input", elemType: FLOAT, shape: ["N", 5] }], binaryOut);
write(
  "invalid/signature/models/two_inputs.onnx",
  [
    { name: "a", elemType: FLOAT, shape: ["N", 1] },
    { name: "b", elemType: FLOAT, shape: ["N", 2] },
  ],
  binaryOut,
);
write("invalid/signature/models/int_input.onnx", [{ name: "input", elemType: INT64, shape: ["N", 3] }], binaryOut);
write(
  "invalid/signature/models/three_classes.onnx",
  [{ name: "input", elemType: FLOAT, shape: ["N", 3] }],
  [
    { name: "label", elemType: INT64, shape: ["N"] },
    { name: "probabilities", elemType: FLOAT, shape: ["N", 3] },
  ],
);
writeFileSync(join(here, "..", "invalid/signature/models/not_onnx.onnx"), "this is not a protobuf model\n");
