/**
 * `mlops serve` under load against the naive server (support/naive-server.ts: node:http, one
 * `session.run` per request, features by the same runtime code) on the same model — the fraud
 * example's, trained first — measured in the same run with autocannon: one-instance requests at
 * 1, 16 and 64 connections, three interleaved rounds, median of each. Prints throughput and
 * p50/p99 latency beside the peer's, the throughput ratio, the goal at 64 connections (≥ 1.5× the
 * peer with p99 < 10 ms), and raw `session.run` rows/s of the model graph (raw columns in, features
 * computed inside) at the best batch size as the ceiling.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import * as ort from "onnxruntime-node";
import { runPlan } from "../../runtime/src/executor/executor.js";
import { openStores } from "../../runtime/src/store/open-stores.js";
import {
  OUTPUTS,
  feedsFromDataset,
  graphInputs,
  readGraphMetadata,
  readSource,
  takeRows,
  type Dataset,
  type FittedFeatures,
  type GraphInput,
} from "../../runtime/src/index.js";
import { copyFraudExample, compileProject } from "./support/fraud-project.js";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const CONCURRENCY = [1, 16, 64];
const ROUNDS = 3;
const SECONDS = 5;

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function start(command: string[], cwd: string, ready: RegExp): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, command, { cwd, stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.setEncoding("utf8").on("data", (text: string) => {
      out += text;
      const match = ready.exec(out);
      if (match) resolve({ child, port: Number(match[1]) });
    });
    child.once("exit", (code) => reject(new Error(`${command.join(" ")} exited with ${code}:\n${out}`)));
  });
}

/** autocannon drives the load and counts requests; latencies are taken from its per-response times (sub-millisecond). */
async function load(url: string, body: string, connections: number, seconds: number): Promise<Figures> {
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      { url, method: "POST", headers: { "content-type": "application/json" }, body, connections, duration: seconds },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    instance.on("response", (_client, _status, _bytes, ms) => void latencies.push(ms));
  });
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] ?? Number.NaN;
  return { rps: result.requests.average, p50: at(0.5), p99: at(0.99), errors: result.errors + result.non2xx + result.timeouts };
}

/** Rows/s of one `session.run` of the model graph on ready-made raw-column tensors, fetching what the server fetches. */
async function rawCeiling(
  session: ort.InferenceSession,
  inputs: readonly GraphInput[],
  dataset: Dataset,
): Promise<{ batch: number; rowsPerSecond: number }> {
  let best = { batch: 0, rowsPerSecond: 0 };
  for (const batch of [1, 16, 64, 256, 1024, 4096, 16384, 65536]) {
    const rows = takeRows(
      dataset,
      Uint32Array.from({ length: batch }, (_, i) => i % dataset.rowCount),
    );
    const feeds = feedsFromDataset(inputs, rows);
    const fetches = [OUTPUTS.probabilities, OUTPUTS.label];
    await session.run(feeds, fetches);
    const runs = Math.max(5, Math.round(200_000 / batch));
    const started = performance.now();
    for (let i = 0; i < runs; i++) await session.run(feeds, fetches);
    const rowsPerSecond = (runs * batch) / ((performance.now() - started) / 1000);
    if (rowsPerSecond > best.rowsPerSecond) best = { batch, rowsPerSecond };
  }
  return best;
}

export default async function bench(): Promise<void> {
  const built = spawnSync("npm", ["run", "build", "--silent"], { cwd: REPO, encoding: "utf8" });
  if (built.status !== 0) throw new Error(`npm run build failed:\n${built.stdout}${built.stderr}`);
  const dir = copyFraudExample("serve-bench");
  const children: ChildProcess[] = [];
  try {
    const plan = compileProject(dir);
    const stores = await openStores({ projectRoot: plan.projectRoot, cwd: plan.projectRoot, env: {} });
    if ((await runPlan(plan.plan, plan.projectRoot, stores)).status !== "succeeded") throw new Error("the fraud pipeline failed");
    const production = (await stores.metadata.registry.getAlias("fraud_clf", "production"))!;
    const fitted = await stores.artifacts.getJson<FittedFeatures>(production.featuresHash!);
    const modelPath = join(dir, "model.onnx");
    const graph = await stores.artifacts.get(production.artifactHash);
    if (!readGraphMetadata(graph)) throw new Error("the registered fraud model is not a model graph");
    writeFileSync(modelPath, graph);
    const session = await ort.InferenceSession.create(graph, {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: "sequential",
      graphOptimizationLevel: "all",
    });
    const { dataset } = await readSource(plan.plan.sources.transactions!, plan.projectRoot);
    const ceiling = await rawCeiling(session, graphInputs(fitted.columns), dataset);
    await session.release();
    await stores.close();

    const serve = await start(
      [join(REPO, "compiler/bin/mlops.js"), "serve", dir, "--port", "0", "--log-format", "json"],
      dir,
      /"url":"http:\/\/127\.0\.0\.1:(\d+)"/,
    );
    children.push(serve.child);
    const naive = await start(["--import", "tsx", join(REPO, "test/bench/support/naive-server.ts"), modelPath], REPO, /listening (\d+)/);
    children.push(naive.child);
    const body = JSON.stringify({ instances: [{ amount: 84.2, merchant_category: "online", hour: 23, country: "DE" }] });
    const urls = { serve: `http://127.0.0.1:${serve.port}/v1/fraud`, naive: `http://127.0.0.1:${naive.port}/predict` };
    for (const url of Object.values(urls)) await load(url, body, 16, 2);

    const samples = new Map<string, Figures[]>();
    for (let round = 0; round < ROUNDS; round++)
      for (const c of CONCURRENCY)
        for (const [name, url] of round % 2 === 0 ? Object.entries(urls) : Object.entries(urls).reverse()) {
          const key = `${name}@${c}`;
          samples.set(key, [...(samples.get(key) ?? []), await load(url, body, c, SECONDS)]);
        }
    const figure = (name: string, c: number): Figures => {
      const list = samples.get(`${name}@${c}`)!;
      return {
        rps: median(list.map((f) => f.rps)),
        p50: median(list.map((f) => f.p50)),
        p99: median(list.map((f) => f.p99)),
        errors: list.reduce((n, f) => n + f.errors, 0),
      };
    };

    console.log(
      `model: fraud_clf, one graph from 4 raw columns (${fitted.width} model inputs); one instance per request; median of ${ROUNDS} rounds of ${SECONDS} s`,
    );
    console.log("connections  mlops serve: req/s   p50    p99   | naive node:http: req/s   p50    p99   | throughput ratio");
    for (const c of CONCURRENCY) {
      const s = figure("serve", c);
      const n = figure("naive", c);
      console.log(
        `${String(c).padStart(11)}  ${s.rps.toFixed(0).padStart(17)} ${ms(s.p50)} ${ms(s.p99)} | ${n.rps.toFixed(0).padStart(21)} ${ms(n.p50)} ${ms(n.p99)} | ${(s.rps / n.rps).toFixed(2)}×${s.errors + n.errors > 0 ? `  (errors: serve ${s.errors}, naive ${n.errors})` : ""}`,
      );
    }
    const s64 = figure("serve", 64);
    const n64 = figure("naive", 64);
    const ratio = s64.rps / n64.rps;
    console.log(
      `goal at 64 connections: ≥ 1.5× the naive throughput with p99 < 10 ms → ${ratio.toFixed(2)}×, p99 ${s64.p99.toFixed(1)} ms: ${ratio >= 1.5 && s64.p99 < 10 ? "met" : "NOT met"}`,
    );
    console.log(
      `ceiling: raw session.run ${Math.round(ceiling.rowsPerSecond).toLocaleString("en")} rows/s at batch ${ceiling.batch} (raw-column tensors prebuilt, features in the graph, no HTTP)`,
    );
  } finally {
    for (const child of children) child.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 500));
    rmSync(dir, { recursive: true, force: true });
  }
}

function ms(value: number): string {
  return `${value.toFixed(value < 10 ? 2 : 1).padStart(5)} ms`;
}
