/**
 * `mlops serve` on shared stores (PostgreSQL registry + S3 artifacts, both real servers started
 * here), as a rendered Deployment runs it: it serves the version the alias in PostgreSQL names, read
 * from S3 with the hash check, follows the alias when a new run moves it, and never prints the
 * database password.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresAvailable, startPostgres, type PostgresServer } from "../../../test/support/postgres-server.js";
import { startS3, type S3Server } from "../../../test/support/s3-server.js";
import { copyExample, edit, mlops, removeProjects } from "../executor/support/projects.js";
import { postJson, send } from "./support/http-client.js";
import { killAll, spawnServe, type SpawnedServer } from "./support/spawned-server.js";
import { waitUntil } from "./support/wait.js";

const PASSWORD = "pg-pass-51c0de";
const instance = { sqft: 1500, bedrooms: 3, zipcode: "94110", year_built: 1990, sold_at: "2024-05-01" };

describe.skipIf(!postgresAvailable())("mlops serve on shared stores [postgres + s3]", () => {
  let database: PostgresServer;
  let s3: S3Server;
  const spawned: SpawnedServer[] = [];

  beforeAll(async () => {
    [database, s3] = await Promise.all([startPostgres(), startS3(["models"])]);
  }, 120_000);

  afterAll(async () => {
    await killAll(spawned);
    database?.stop();
    await s3?.stop();
    removeProjects();
  });

  it("serves the alias from PostgreSQL + S3 and follows it when a run moves it", { timeout: 600_000 }, async () => {
    const url = (await database.createDatabase()).replace("postgres@", `postgres:${PASSWORD}@`);
    const env = { ...s3.env, MLOPS_DATABASE_URL: url, MLOPS_ARTIFACT_STORE: "s3://models/house-prices" };
    const dir = copyExample("house-prices");
    const first = await mlops(["run", dir, "--quiet"], dir, env);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(existsSync(join(dir, ".mlops", "metadata.db"))).toBe(false);
    expect(existsSync(join(dir, ".mlops", "artifacts"))).toBe(false);

    const server = await spawnServe([dir, "--port", "0", "--poll-interval-ms", "100"], dir, env);
    spawned.push(server);
    expect(server.url, server.stderr()).not.toBe("");
    expect(server.stdout()).toMatch(/price_model v1/);
    const predict = `${server.url}/v1/price`;
    const answer = await postJson(predict, { instances: [instance] });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json).toMatchObject({ model: "price_model", version: 1 });

    edit(dir, "house-prices.mlops", "l2 = 0.5", "l2 = 0.8");
    const second = await mlops(["run", dir, "--quiet"], dir, env);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    await waitUntil(
      async () => ((await postJson(predict, { instances: [instance] })).json as { version?: number }).version === 2,
      "an answer from v2",
    );
    const meta = (await send(`${server.url}/v2/models/price_model`)).json as { versions: string[] };
    expect(meta.versions).toEqual(["2"]);

    expect(await server.terminate()).toBe(0);
    expect(server.stdout()).toMatch(/reload/);
    expect(server.stdout() + server.stderr()).not.toContain(PASSWORD);
  });
});
