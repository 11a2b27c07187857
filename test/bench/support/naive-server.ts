/**
 * The benchmark's peer: the obvious model server — node:http, one `session.run` per request, the
 * features computed by the same runtime code (`transformRecords`), no batching, no checks beyond
 * what the transforms do, no metrics, no request log. Same onnxruntime session options as
 * `mlops serve`. `tsx naive-server.ts MODEL.onnx FEATURES.json` prints `listening PORT`.
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import * as ort from "onnxruntime-node";
import { transformRecords, type FittedFeatures } from "@mlops/runtime";

const [modelPath, featuresPath] = process.argv.slice(2);
const fitted = JSON.parse(readFileSync(featuresPath!, "utf8")) as FittedFeatures;
const session = await ort.InferenceSession.create(readFileSync(modelPath!), {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: "sequential",
  graphOptimizationLevel: "all",
});
const input = session.inputNames[0]!;

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (c: Buffer) => chunks.push(c));
  request.on("end", async () => {
    try {
      const { instances } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { instances: Array<Record<string, unknown>> };
      const matrix = transformRecords(fitted, instances);
      const out = await session.run({ [input]: new ort.Tensor("float32", matrix.data, [matrix.rows, matrix.width]) });
      const p = out.probability!.data as Float32Array;
      const predictions = Array.from(p, (v) => ({ label: v > 0.5 ? "true" : "false", probabilities: { false: 1 - v, true: v } }));
      const text = JSON.stringify({ predictions });
      response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
      response.end(text);
    } catch (error) {
      response.writeHead(400, { "content-type": "application/json" });
      response.end(JSON.stringify({ error: (error as Error).message }));
    }
  });
});
server.listen(0, "127.0.0.1", () => console.log(`listening ${(server.address() as { port: number }).port}`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
