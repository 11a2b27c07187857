/**
 * Sources where data lives: `s3://` objects (csv, jsonl, parquet — streamed or read by byte range
 * from a real S3 server) and PostgreSQL queries (a throwaway cluster), read exactly like the same
 * data from a file; the schema is the contract a query's result is checked against; the cache keys
 * on an object's ETag or a result's hash; batch scores go to S3; no secret value is ever shown.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresAvailable, startPostgres, type PostgresServer } from "../../../test/support/postgres-server.js";
import { startS3, type S3Server } from "../../../test/support/s3-server.js";
import type { SourceSpec } from "../../src/plan.js";
import { DataError } from "../../src/data/errors.js";
import { readSource } from "../../src/data/read-source.js";
import { s3ClientConfig, s3SettingsFromEnv } from "../../src/store/s3/s3-client-config.js";
import { buildPlanFromSources } from "@mlops/compiler/cli";
import { REPO, copyExample, edit, removeProjects } from "../executor/support/projects.js";
import { runJson, statuses } from "../executor/support/run-json.js";

const IRIS_COLUMNS: SourceSpec["columns"] = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
  .map((name) => ({ name, type: { kind: "float", nullable: false }, unique: false }) as SourceSpec["columns"][number])
  .concat([{ name: "species", type: { kind: "enum", values: ["setosa", "versicolor", "virginica"], nullable: false }, unique: false }]);

function source(format: SourceSpec["format"], path: string, extra: Partial<SourceSpec> = {}): SourceSpec {
  return { name: "flowers", format, path, columns: IRIS_COLUMNS, expectations: [], badRows: { policy: "fail", maxBadRows: 0 }, ...extra };
}

async function dataError(promise: Promise<unknown>): Promise<DataError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DataError) return error;
    throw error;
  }
  throw new Error("expected a DataError");
}

let s3: S3Server;
let raw: S3Client;
const put = (key: string, body: string | Uint8Array) => raw.send(new PutObjectCommand({ Bucket: "data", Key: key, Body: body }));

beforeAll(async () => {
  s3 = await startS3(["data"]);
  raw = new S3Client(s3ClientConfig(s3SettingsFromEnv(s3.env)));
});
afterAll(async () => {
  raw?.destroy();
  await s3?.stop();
  removeProjects();
});

describe("s3:// sources", () => {
  it("reads csv, jsonl and parquet objects like the same files", async () => {
    const iris = readFileSync(join(REPO, "examples/iris/data/iris.csv"));
    const sales = readFileSync(join(REPO, "examples/house-prices/data/sales.parquet"));
    await put("iris.csv", iris);
    await put("sales/2026.parquet", sales);
    const local = await readSource(source("csv", "examples/iris/data/iris.csv"), REPO);
    const remote = await readSource(source("csv", "s3://data/iris.csv"), REPO, { env: s3.env });
    expect(remote.dataset).toEqual(local.dataset);
    expect(remote.file).toBe("s3://data/iris.csv");
    const lines = local.dataset.rowCount;
    const jsonl = iris
      .toString()
      .trim()
      .split("\n")
      .slice(1)
      .map((row) => {
        const [a, b, c, d, species] = row.split(",");
        return JSON.stringify({ sepal_length: +a!, sepal_width: +b!, petal_length: +c!, petal_width: +d!, species });
      })
      .join("\n");
    await put("iris.jsonl", jsonl);
    expect((await readSource(source("jsonl", "s3://data/iris.jsonl"), REPO, { env: s3.env })).dataset).toEqual(local.dataset);
    const io = { stdout: () => {}, stderr: () => {}, isTTY: false, cwd: REPO, env: {} };
    const salesSource = buildPlanFromSources(join(REPO, "examples/house-prices"), undefined, io)!.plan.sources.sales!;
    const parquetLocal = await readSource(salesSource, join(REPO, "examples/house-prices"));
    const parquetRemote = await readSource({ ...salesSource, path: "s3://data/sales/2026.parquet" }, REPO, { env: s3.env });
    expect(parquetRemote.dataset).toEqual(parquetLocal.dataset);
    expect(lines).toBeGreaterThan(100);
  });

  it("names a missing object and refuses data that changed since the run hashed it", async () => {
    const missing = await dataError(readSource(source("csv", "s3://data/nope.csv"), REPO, { env: s3.env }));
    expect(missing.message).toBe("s3://data/nope.csv: no such object (source flowers reads it)");
    await put("moving.csv", readFileSync(join(REPO, "examples/iris/data/iris.csv")));
    const changed = await dataError(readSource(source("csv", "s3://data/moving.csv"), REPO, { env: s3.env, expectedHash: "0".repeat(64) }));
    expect(changed.message).toContain("the data changed while the run read it");
  });

  it("caches ingest on the object's ETag, re-reads a changed object, and writes batch scores to S3", { timeout: 180_000 }, async () => {
    const dir = copyExample("iris");
    await put("project/iris.csv", readFileSync(join(dir, "data/iris.csv")));
    edit(dir, "iris.mlops", 'path   = "data/iris.csv"', 'path   = "s3://data/project/iris.csv"');
    edit(dir, "iris.mlops", 'output   = "out/scores.jsonl"', 'output   = "s3://data/scores/iris.jsonl"');
    const first = await runJson(["run", dir], s3.env);
    expect(first.code, JSON.stringify(first.result.steps.find((s) => s.error))).toBe(0);
    const again = await runJson(["run", dir], s3.env);
    expect(statuses(again.result)["ingest.flowers"]).toBe("cached");
    const rows = readFileSync(join(dir, "data/iris.csv"), "utf8").trim().split("\n");
    await put("project/iris.csv", `${rows.slice(0, -1).join("\n")}\n`);
    const changed = await runJson(["run", dir], s3.env);
    expect(statuses(changed.result)["ingest.flowers"]).toBe("succeeded");
    expect(changed.result.steps.find((s) => s.stepId === "ingest.flowers")!.metrics.rows).toBe(rows.length - 2);
    const batch = await runJson(["run", dir, "--group", "batch.species_scores"], s3.env);
    expect(batch.code).toBe(0);
    const scores = await raw.send(new GetObjectCommand({ Bucket: "data", Key: "scores/iris.jsonl" }));
    const scored = (await scores.Body!.transformToString()).trim().split("\n");
    expect(scored.length).toBe(readFileSync(join(dir, "data/incoming.jsonl"), "utf8").trim().split("\n").length);
    expect(JSON.parse(scored[0]!)).toHaveProperty("prediction");
  });
});

describe.skipIf(!postgresAvailable())("postgres sources", () => {
  let server: PostgresServer;
  let url = "";
  const PASSWORD = "warehouse-pw-91c2";
  beforeAll(async () => {
    server = await startPostgres();
    url = await server.createDatabase();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(
      `CREATE TABLE flowers (id serial, sepal_length real, sepal_width float8, petal_length numeric, petal_width float8, species text,
         measured_on date, measured_at timestamptz)`,
    );
    const rows = readFileSync(join(REPO, "examples/iris/data/iris.csv"), "utf8").trim().split("\n").slice(1);
    for (const row of rows) {
      const [a, b, c, d, species] = row.split(",");
      await client.query(
        "INSERT INTO flowers (sepal_length, sepal_width, petal_length, petal_width, species, measured_on, measured_at) VALUES ($1, $2, $3, $4, $5, '2026-03-01', '2026-03-01 10:00:00+02')",
        [a, b, c, d, species],
      );
    }
    await client.end();
  });
  afterAll(() => server?.stop());

  const withPassword = () => url.replace("postgres@", `postgres:${PASSWORD}@`);
  const query = (sql: string, columns = IRIS_COLUMNS): SourceSpec =>
    source("postgres", "", { query: sql, columns, connection: { url: { kind: "secret", name: "warehouse", key: "url" } } });
  const env = () => ({ MLOPS_SECRET_WAREHOUSE_URL: withPassword() });

  it("streams a query's rows into the same dataset as the file, with dates and timestamps typed", async () => {
    const local = await readSource(source("csv", "examples/iris/data/iris.csv"), REPO);
    const sql = "select sepal_length, sepal_width, petal_length, petal_width, species from flowers order by id";
    const remote = await readSource(query(sql), REPO, { env: env() });
    expect(remote.dataset.rowCount).toBe(local.dataset.rowCount);
    const column = (d: typeof local.dataset, name: string) => d.columns.find((c) => c.name === name)!;
    expect(column(remote.dataset, "species")).toEqual(column(local.dataset, "species"));
    expect(column(remote.dataset, "sepal_width")).toEqual(column(local.dataset, "sepal_width"));
    const timed = await readSource(
      query("select measured_on, measured_at from flowers limit 1", [
        { name: "measured_on", type: { kind: "date", nullable: false }, unique: false },
        { name: "measured_at", type: { kind: "timestamp", nullable: false }, unique: false },
      ]),
      REPO,
      { env: env() },
    );
    const values = (name: string) => (timed.dataset.columns.find((c) => c.name === name) as { values: Float64Array }).values[0];
    expect(values("measured_on")).toBe(Date.UTC(2026, 2, 1) / 86_400_000);
    expect(values("measured_at")).toBe(Date.UTC(2026, 2, 1, 8));
  });

  it("checks the result against the declared schema and names every mismatch", async () => {
    const error = await dataError(
      readSource(query("select sepal_length::text, sepal_width, petal_width, species, id from flowers"), REPO, { env: env() }),
    );
    expect(error.message).toBe(
      [
        "source flowers (PostgreSQL query): the result does not match the declared schema:",
        '  column "sepal_length" is text in the result, but the schema declares float',
        '  column "petal_length" is missing from the result',
        '  column "id" is in the result but not in the schema',
      ].join("\n"),
    );
  });

  it("says where a secret is looked for and never shows its value", async () => {
    const unset = await dataError(readSource(query("select 1"), REPO, { env: {} }));
    expect(unset.message).toBe(
      'source flowers: secret("warehouse", "url") has no value here: set MLOPS_SECRET_WAREHOUSE_URL, or mount it at /var/run/secrets/mlops/warehouse/url',
    );
    const wrong = await dataError(
      readSource(query("select 1"), REPO, { env: { MLOPS_SECRET_WAREHOUSE_URL: `postgresql://postgres:${PASSWORD}@127.0.0.1:1/x` } }),
    );
    expect(wrong.message).toContain("cannot connect");
    expect(wrong.message).not.toContain(PASSWORD);
  });

  it("a pipeline on a query: cached while the result is unchanged, re-run when it changes, the secret nowhere", {
    timeout: 180_000,
  }, async () => {
    const dir = copyExample("iris");
    edit(
      dir,
      "iris.mlops",
      'format = csv\n  path   = "data/iris.csv"',
      'format     = postgres\n  query      = "select sepal_length, sepal_width, petal_length, petal_width, species from flowers order by id"\n  connection = { url = secret("warehouse", "url") }',
    );
    const first = await runJson(["run", dir], env());
    expect(first.code, JSON.stringify(first.result.steps.find((s) => s.error))).toBe(0);
    expect(first.result.steps.find((s) => s.stepId === "ingest.flowers")!.metrics.rows).toBe(150);
    const again = await runJson(["run", dir], env());
    expect(statuses(again.result)["ingest.flowers"]).toBe("cached");
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query("UPDATE flowers SET petal_width = petal_width + 0.1 WHERE id = 1");
    await client.end();
    const changed = await runJson(["run", dir], env());
    expect(statuses(changed.result)["ingest.flowers"]).toBe("succeeded");
    const shown = [first, again, changed].map((r) => JSON.stringify(r.result) + r.stderr).join("");
    expect(shown).not.toContain(PASSWORD);
    const db = readFileSync(join(dir, ".mlops/metadata.db")).toString("latin1");
    expect(db).not.toContain(PASSWORD);
    const { readdirSync } = await import("node:fs");
    for (const shard of readdirSync(join(dir, ".mlops/artifacts")).filter((s) => s.length === 2))
      for (const name of readdirSync(join(dir, ".mlops/artifacts", shard)))
        expect(readFileSync(join(dir, ".mlops/artifacts", shard, name)).toString("latin1")).not.toContain(PASSWORD);
  });
});
