/**
 * What `mlops serve` answers equals batch scoring, row for row and bit for bit: for every row of
 * each example's source, through the deployment's own endpoint and through KServe V2, sent in
 * requests of mixed sizes from concurrent clients (so rows of different requests share model runs),
 * and equal to the same rows scored one request at a time with batching off.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "@mlops/compiler";
import { readSource } from "../../src/data/read-source.js";
import type { FittedFeatures } from "../../src/features/feature-pipeline.js";
import { classLabels } from "../../src/steps/model-data.js";
import { predictedClass, type TaskScores } from "../../src/steps/model-outputs.js";
import { scoreDataset } from "../../src/steps/score.js";
import { removeProjects, mlops } from "../executor/support/projects.js";
import { withStores } from "../executor/support/stores.js";
import { metricValue, pool, postJson, send } from "./support/http-client.js";
import { jsonRecords } from "./support/records.js";
import { serveProject, trainedProject, type RunningServer, type TrainedProject } from "./support/served-project.js";

const IRIS_API = `
deploy species_api {
  model    = species_clf
  target   = local { port = 8093 }
  endpoint = { path = "/v1/species", port = 8093 }
}
`;

const servers: RunningServer[] = [];
afterAll(async () => {
  for (const s of servers.splice(0)) await s.stop();
  removeProjects();
});

interface Expected {
  records: Array<Record<string, unknown>>;
  scores: TaskScores;
  classes: string[];
}

/** Every row of the model's source, as JSON records, and the batch path's scores for them. */
async function batchReference(project: TrainedProject, deployment: string): Promise<Expected> {
  const plan: Plan = project.plan;
  const model = plan.models[plan.deployments[deployment]!.model]!;
  return withStores(project.dir, async (stores) => {
    const production = (await stores.metadata.registry.getAlias(model.name, "production"))!;
    const fitted = await stores.artifacts.getJson<FittedFeatures>(production.featuresHash!);
    const session = await ort.InferenceSession.create(await stores.artifacts.get(production.artifactHash));
    const { dataset } = await readSource(plan.sources[model.source]!, project.dir);
    const scores = await scoreDataset(session, fitted, dataset, model);
    await session.release();
    return { records: jsonRecords(dataset, fitted.columns), scores, classes: classLabels(model) };
  });
}

/** Requests of 1..37 rows covering every row once. */
function chunks(n: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let start = 0, k = 0; start < n; k++) {
    const size = 1 + ((k * 7) % 37);
    out.push([start, Math.min(n, start + size)]);
    start += size;
  }
  return out;
}

function expectSame(prediction: Record<string, unknown>, expected: Expected, i: number): void {
  const { values, width } = expected.scores;
  if (expected.classes.length === 0) {
    expect(prediction).toEqual({ value: values[i] });
    return;
  }
  const label = expected.classes[predictedClass(expected.scores, i)];
  const probabilities = prediction.probabilities as Record<string, number>;
  expect(prediction.label).toBe(label);
  if (width === 1) expect(probabilities[expected.classes[1]!]).toBe(values[i]);
  else expected.classes.forEach((c, k) => expect(probabilities[c]).toBe(values[i * width + k]));
}

async function ownEndpoint(url: string, expected: Expected, concurrency: number): Promise<void> {
  const parts = chunks(expected.records.length);
  const answers = await pool(parts.length, concurrency, (p) => postJson(url, { instances: expected.records.slice(...parts[p]!) }));
  answers.forEach((answer, p) => {
    expect(answer.status, answer.text).toBe(200);
    const [start, end] = parts[p]!;
    const predictions = (answer.json as { predictions: Array<Record<string, unknown>> }).predictions;
    expect(predictions).toHaveLength(end - start);
    predictions.forEach((prediction, j) => expectSame(prediction, expected, start + j));
  });
}

for (const [example, deployment, prepare] of [
  ["fraud", "fraud_api", undefined],
  ["house-prices", "price_api", undefined],
  ["iris", "species_api", (dir: string) => void appendText(dir, "iris.mlops", IRIS_API)],
] as const) {
  describe(`${example}: served predictions equal batch scoring`, () => {
    let project: TrainedProject;
    let expected: Expected;
    let batched: RunningServer;
    beforeAll(async () => {
      project = await trainedProject(example, prepare);
      expected = await batchReference(project, deployment);
      batched = await serveProject(project, deployment);
      servers.push(batched);
    }, 180_000);

    it("through the own endpoint, concurrent requests of mixed sizes", async () => {
      const path = project.plan.deployments[deployment]!.endpoint.path;
      await ownEndpoint(`${batched.url}${path}`, expected, 16);
      const metrics = (await send(`${batched.url}/metrics`)).text;
      expect(metricValue(metrics, "mlops_batch_size_sum")).toBeGreaterThanOrEqual(expected.records.length);
    });

    it("through KServe V2 infer, one tensor per column", async () => {
      const model = project.plan.deployments[deployment]!.model;
      const meta = (await send(`${batched.url}/v2/models/${model}`)).json as { inputs: Array<{ name: string; datatype: string }> };
      const rows = expected.records.slice(0, 500);
      const inputs = meta.inputs.map((input) => ({
        name: input.name,
        datatype: input.datatype,
        shape: [rows.length],
        data: rows.map((r) => r[input.name] ?? null),
      }));
      const answer = await postJson(`${batched.url}/v2/models/${model}/infer`, { id: "check", inputs });
      expect(answer.status, answer.text).toBe(200);
      const body = answer.json as { id: string; model_name: string; outputs: Array<{ name: string; shape: number[]; data: unknown[] }> };
      expect(body).toMatchObject({ id: "check", model_name: model, model_version: "1" });
      const { values, width } = expected.scores;
      if (expected.classes.length === 0) {
        expect(body.outputs).toEqual([
          { name: "value", datatype: "FP32", shape: [rows.length], data: Array.from(values.subarray(0, rows.length)) },
        ]);
        return;
      }
      const labels = body.outputs.find((o) => o.name === "label")!;
      const probabilities = body.outputs.find((o) => o.name === "probabilities")!;
      const k = Math.max(2, expected.classes.length);
      expect(probabilities.shape).toEqual([rows.length, k]);
      rows.forEach((_, i) => {
        expect(labels.data[i]).toBe(expected.classes[predictedClass(expected.scores, i)]);
        if (width === 1) expect(probabilities.data[i * 2 + 1]).toBe(values[i]);
        else for (let c = 0; c < k; c++) expect(probabilities.data[i * k + c]).toBe(values[i * width + c]);
      });
    });

    it("unbatched (one request per row, batches of one) gives the same answers", async () => {
      const single = await serveProject(project, deployment, { batch: { maxRows: 1, maxWaitMs: 0 } });
      servers.push(single);
      const path = project.plan.deployments[deployment]!.endpoint.path;
      const sample = { ...expected, records: expected.records.slice(0, 300) };
      const answers = await pool(sample.records.length, 8, (i) => postJson(`${single.url}${path}`, { instances: [sample.records[i]] }));
      answers.forEach((answer, i) => {
        expect(answer.status).toBe(200);
        expectSame((answer.json as { predictions: Array<Record<string, unknown>> }).predictions[0]!, expected, i);
      });
      const metrics = (await send(`${single.url}/metrics`)).text;
      expect(metricValue(metrics, 'mlops_batch_size_bucket{le="1"}')).toBe(metricValue(metrics, "mlops_batch_size_count"));
    });
  });
}

describe("iris: served predictions equal the batch_predict step's output file", () => {
  it("scores the rows of new_flowers exactly as out/scores.jsonl", async () => {
    const project = await trainedProject("iris", (dir) => appendText(dir, "iris.mlops", IRIS_API));
    const batch = await mlops(["run", project.dir, "--group", "batch.species_scores", "--quiet"]);
    expect(batch.code, batch.stderr).toBe(0);
    const written = readFileSync(join(project.dir, "out/scores.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const running = await serveProject(project, "species_api");
    servers.push(running);
    const instances = written.map((r) => ({
      sepal_length: r.sepal_length,
      sepal_width: r.sepal_width,
      petal_length: r.petal_length,
      petal_width: r.petal_width,
    }));
    const answer = await postJson(`${running.url}/v1/species`, { instances });
    expect(answer.status).toBe(200);
    const predictions = (answer.json as { predictions: Array<{ label: string; probabilities: Record<string, number> }> }).predictions;
    predictions.forEach((p, i) => {
      expect(p.label).toBe(written[i]!.prediction);
      for (const c of ["setosa", "versicolor", "virginica"]) expect(p.probabilities[c]).toBe(written[i]![`probability_${c}`]);
    });
  }, 180_000);
});

function appendText(dir: string, file: string, text: string): void {
  const path = join(dir, file);
  writeFileSync(path, readFileSync(path, "utf8") + text);
}
