/**
 * The benchmark's peer: the obvious model server — node:http, one `session.run` of the model graph
 * per request (`Scorer.scoreRecords`: the same runtime code turns records into input tensors), no
 * batching, no checks beyond what building the tensors does, no metrics, no request log. Same
 * onnxruntime session options as `mlops serve`. `tsx naive-server.ts MODEL.onnx` (a model graph)
 * prints `listening PORT`.
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { openScorer } from "@mlops/runtime";

const [modelPath] = process.argv.slice(2);
const scorer = await openScorer(readFileSync(modelPath!), {
  session: { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: "sequential", graphOptimizationLevel: "all" },
});
const [negative, positive] = scorer.classes as [string, string];

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (c: Buffer) => chunks.push(c));
  request.on("end", async () => {
    try {
      const { instances } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { instances: Array<Record<string, unknown>> };
      const scores = await scorer.scoreRecords(instances);
      const p = scores.probabilities!;
      const predictions = scores.labels!.map((label, i) => ({ label, probabilities: { [negative]: p[2 * i], [positive]: p[2 * i + 1] } }));
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
