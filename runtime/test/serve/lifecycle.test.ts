/**
 * The server's life as a real process (`mlops serve`, the built CLI): ready only once the model is
 * loaded and warm, needing only the version's model graph; a tampered graph keeps it not ready and
 * says which, a taken port is a clear error and exit 1, SIGTERM drains what is in flight and exits 0.
 */
import { createServer, type Server } from "node:net";
import { request as httpRequest } from "node:http";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileArtifactStore } from "../../src/store/file/file-artifact-store.js";
import { withStores } from "../executor/support/stores.js";
import { copyExample, mlops, removeProjects } from "../executor/support/projects.js";
import { metricValue, postJson, send } from "./support/http-client.js";
import { killAll, spawnServe, type SpawnedServer } from "./support/spawned-server.js";
import { trainedProject, type TrainedProject } from "./support/served-project.js";
import { waitUntil } from "./support/wait.js";

const spawned: SpawnedServer[] = [];
let project: TrainedProject;
const instance = { sqft: 1500, bedrooms: 3, zipcode: "94110", year_built: 1990, sold_at: "2024-05-01" };

beforeAll(async () => {
  project = await trainedProject("house-prices");
}, 180_000);

afterAll(async () => {
  await killAll(spawned);
  removeProjects();
});

async function serve(args: string[], cwd = project.dir): Promise<SpawnedServer> {
  const server = await spawnServe(["--port", "0", ...args], cwd);
  spawned.push(server);
  return server;
}

function productionArtifacts(dir: string): Promise<{ model: string; features: string }> {
  return withStores(dir, async (stores) => {
    const v = (await stores.metadata.registry.getAlias("price_model", "production"))!;
    const store = await FileArtifactStore.open(join(dir, ".mlops/artifacts"));
    return { model: store.pathOf(v.artifactHash), features: store.pathOf(v.featuresHash!) };
  });
}

describe("mlops serve (process)", () => {
  it("is ready once loaded, logs one line at start and at stop, and SIGTERM exits 0", async () => {
    const server = await serve([".", "--request-log-writer", "price-api-0"]);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.stdout()).toMatch(
      / info start: listening on http:\/\/127\.0\.0\.1:\d+ — deployment price_api .*serving price_model v1, ready\n$/,
    );
    expect((await send(`${server.url}/v2/health/ready`)).status).toBe(200);
    expect((await send(`${server.url}/health/ready`)).status).toBe(200);
    const answer = await postJson(`${server.url}/v1/price`, { instances: [instance] });
    expect(answer.status).toBe(200);
    expect(await server.terminate()).toBe(0);
    expect(server.stdout()).toMatch(/ info stop: stopped after draining in \d+ ms \(1 request-log records written, 0 dropped\)\n$/);
    expect(server.stderr()).toBe("");
    // a replica's own file (rendered pods pass their name through MLOPS_REQUEST_LOG_WRITER)
    expect(readFileSync(join(project.dir, ".mlops/requests/price_api~price-api-0.jsonl"), "utf8").trim().split("\n")).toHaveLength(1);
  });

  it("logs JSON lines with --log-format json", async () => {
    const server = await serve([".", "--log-format", "json"]);
    const first = JSON.parse(server.stdout().split("\n")[0]!) as Record<string, unknown>;
    expect(first).toMatchObject({ level: "info", event: "start", deployment: "price_api", alias: "production", version: 1, ready: true });
    expect(await server.terminate()).toBe(0);
  });

  it("SIGTERM lets an in-flight request finish, refuses new connections, then exits 0", async () => {
    const server = await serve(["--plan", "house-prices.mlops"]);
    const body = JSON.stringify({ instances: [instance, instance] });
    let status = 0;
    let text = "";
    const req = httpRequest(`${server.url}/v1/price`, {
      method: "POST",
      agent: false,
      headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) },
    });
    const answered = new Promise<void>((resolve, reject) => {
      req.on("response", (res) => {
        status = res.statusCode ?? 0;
        res.setEncoding("utf8").on("data", (t: string) => (text += t));
        res.on("end", resolve);
      });
      req.on("error", reject);
    });
    req.write(body.slice(0, 20));
    // the request is in flight once the server counts it
    await waitUntil(
      async () => metricValue((await send(`${server.url}/metrics`, { agent: false })).text, "mlops_requests_in_flight") === 1,
    );
    server.child.kill("SIGTERM");
    await waitUntil(async () => server.stdout().includes("stopping:"));
    expect(server.stdout()).toContain("stopping: draining 1 in-flight request(s)");
    await expect(send(`${server.url}/v2/health/live`, { agent: false })).rejects.toThrow(/ECONNREFUSED/);
    req.end(body.slice(20));
    await answered;
    expect(status).toBe(200);
    expect((JSON.parse(text) as { predictions: unknown[] }).predictions).toHaveLength(2);
    expect(await server.exited).toBe(0);
    expect(server.stdout()).toMatch(/stopped after draining/);
  });

  it("a taken port is a clear error and exit 1", async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = await mlops(["serve", project.dir, "--port", String(port)]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `mlops serve: port ${port} on 127.0.0.1 is already in use (another server is listening there); stop it or pass --port N\n`,
      );
    } finally {
      blocker.close();
    }
  });

  it("a tampered model artifact keeps the server not ready and names the artifact", async () => {
    const dir = (await trainedProject("house-prices")).dir;
    const { model } = await productionArtifacts(dir);
    const bytes = readFileSync(model);
    bytes[bytes.length - 5] ^= 0xff;
    writeFileSync(model, bytes);
    const server = await serve(["."], dir);
    const hash = model.split("/").pop()!;
    expect(server.stdout()).toContain(`start: listening on ${server.url}`);
    expect(server.stdout()).toContain(
      `NOT READY: cannot serve price_model v1: ONNX model: artifact ${hash} is corrupt: ${model} has sha256`,
    );
    const ready = await send(`${server.url}/v2/health/ready`);
    expect(ready.status).toBe(503);
    expect((ready.json as { error: string }).error).toContain(`ONNX model: artifact ${hash} is corrupt`);
    const answer = await postJson(`${server.url}/v1/price`, { instances: [instance] });
    expect(answer.status).toBe(503);
    expect((answer.json as { error: string }).error).toContain("not ready: cannot serve price_model v1");
    expect((await send(`${server.url}/v2/health/live`)).status).toBe(200);
    expect(await server.terminate()).toBe(0);
  });

  it("serves a version from its graph alone: without the fitted-features artifact it is ready, answers as before, checks ranges", async () => {
    const dir = (await trainedProject("house-prices")).dir;
    const { features } = await productionArtifacts(dir);
    rmSync(features);
    const server = await serve(["."], dir);
    const intact = await serve(["."]);
    expect(server.stdout()).toContain("serving price_model v1, ready");
    expect((await send(`${server.url}/v2/health/ready`)).status).toBe(200);
    const answer = await postJson(`${server.url}/v1/price`, { instances: [instance] });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual((await postJson(`${intact.url}/v1/price`, { instances: [instance] })).json);
    const outOfRange = await postJson(`${server.url}/v1/price`, { instances: [{ ...instance, sqft: 50 }] });
    expect(outOfRange.status).toBe(422);
    expect((outOfRange.json as { error: string }).error).toContain("instance 0, column sqft: 50 is out of range [100, 20000]");
    expect(await server.terminate()).toBe(0);
    expect(await intact.terminate()).toBe(0);
  });

  it("with nothing registered yet it waits, not ready, and becomes ready when a run registers the model", async () => {
    const dir = copyExample("house-prices");
    const server = await serve([".", "--poll-interval-ms", "100"], dir);
    expect(server.stdout()).toContain("NOT READY: model price_model has no version with alias production (run `mlops run`");
    expect((await send(`${server.url}/v2/health/ready`)).status).toBe(503);
    expect((await mlops(["run", dir, "--quiet"])).code).toBe(0);
    await waitUntil(async () => (await send(`${server.url}/v2/health/ready`)).status === 200);
    expect((await postJson(`${server.url}/v1/price`, { instances: [instance] })).status).toBe(200);
    expect(await server.terminate()).toBe(0);
  });

  it("usage errors exit 2", async () => {
    expect((await mlops(["serve", project.dir, "--deployment", "nope"])).code).toBe(2);
    expect((await mlops(["serve", project.dir, "--port", "http"])).stderr).toContain("--port must be a whole number");
    expect((await mlops(["serve", project.dir, "--alias", "../x"])).code).toBe(2);
  });
});
