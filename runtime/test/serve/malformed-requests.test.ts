/**
 * 50,000 mutated requests (seeded: byte damage, structural damage, wrong content types, wrong
 * paths) against a real `mlops serve` process: never a 5xx or a dropped connection, the process
 * stays up and answers good requests, and its memory does not grow with the traffic.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seededRandom } from "../../src/random/seeded-random.js";
import { removeProjects } from "../executor/support/projects.js";
import { metricValue, pool, postJson, send } from "./support/http-client.js";
import { mutatedRequest } from "./support/mutations.js";
import { killAll, spawnServe, type SpawnedServer } from "./support/spawned-server.js";
import { trainedProject } from "./support/served-project.js";

const TOTAL = 50_000;
const spawned: SpawnedServer[] = [];
let server: SpawnedServer;

const good = { amount: 12.5, merchant_category: "travel", hour: 13, country: "FR" };
const v2 = {
  inputs: [
    { name: "amount", datatype: "FP32", shape: [2], data: [12.5, 99] },
    { name: "merchant_category", datatype: "BYTES", shape: [2], data: ["travel", "grocery"] },
    { name: "hour", datatype: "INT64", shape: [2], data: [13, 2] },
    { name: "country", datatype: "BYTES", shape: [2], data: ["FR", null] },
  ],
};

beforeAll(async () => {
  const project = await trainedProject("fraud");
  server = await spawnServe(["--port", "0", "--max-body-bytes", "65536", "--max-instances", "100", "--no-request-log"], project.dir);
  spawned.push(server);
}, 180_000);

afterAll(async () => {
  await killAll(spawned);
  removeProjects();
});

async function memory(): Promise<{ rss: number; heap: number }> {
  const text = (await send(`${server.url}/metrics`)).text;
  return { rss: metricValue(text, "process_resident_memory_bytes")!, heap: metricValue(text, "nodejs_heap_size_used_bytes")! };
}

describe("malformed requests", () => {
  it(`${TOTAL.toLocaleString("en")} mutated requests: all answered 4xx (or 200 when still valid), no 5xx, memory flat`, {
    timeout: 900_000,
  }, async () => {
    const random = seededRandom(20261127);
    const bases = [
      { path: "/v1/fraud", body: { instances: [good, { ...good, country: null }, good] } },
      { path: "/v2/models/fraud_clf/infer", body: v2 },
    ];
    const paths = [
      "/v1/fraud",
      "/v2/models/fraud_clf/infer",
      "/v2/models/x/infer",
      "/v2/models/fraud_clf/versions/%zz/infer",
      "/metrics",
      "/",
    ];
    const requests = Array.from({ length: TOTAL }, () => mutatedRequest(random, bases, paths));
    const statuses = new Map<number, number>();
    const serverErrors: string[] = [];
    let samples: Array<{ rss: number; heap: number }> = [];
    await pool(TOTAL, 32, async (i) => {
      const r = requests[i]!;
      const answer = await send(`${server.url}${r.path}`, { method: "POST", headers: r.headers, body: r.body });
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      if (answer.status >= 500 && serverErrors.length < 5)
        serverErrors.push(`${answer.status} ${answer.text} for ${String(r.body).slice(0, 200)}`);
      if (i % 10_000 === 9_999) samples.push(await memory());
    });
    samples = samples.slice(1);
    const counts = Object.fromEntries([...statuses].sort(([a], [b]) => a - b));
    console.log(`status counts: ${JSON.stringify(counts)}; rss MB ${samples.map((s) => (s.rss / 2 ** 20).toFixed(0)).join(" → ")}`);
    expect(serverErrors).toEqual([]);
    const clientErrors = [...statuses].filter(([s]) => s >= 400 && s < 500).reduce((n, [, c]) => n + c, 0);
    expect(clientErrors).toBeGreaterThan(TOTAL * 0.9);
    expect([...statuses.keys()].every((s) => s === 200 || (s >= 400 && s < 500))).toBe(true);
    // memory flat: after the first 20,000 requests it does not keep growing with the traffic
    expect(samples[samples.length - 1]!.rss - samples[0]!.rss).toBeLessThan(48 * 2 ** 20);
    expect(server.child.exitCode).toBeNull();
    expect((await postJson(`${server.url}/v1/fraud`, { instances: [good] })).status).toBe(200);
    const metrics = (await send(`${server.url}/metrics`)).text;
    expect(metrics).not.toMatch(/^mlops_http_requests_total\{[^}]*status="5\d\d"\}/m);
    expect(await server.terminate()).toBe(0);
    expect(server.stdout()).not.toMatch(/ error /);
  });
});
