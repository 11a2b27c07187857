/**
 * The runtime on shared stores (PostgreSQL metadata + S3 artifacts, both real servers started
 * here): an orchestrator's tasks — one `mlops run-step --run-id` process per step, independent
 * steps at once — make one run; two whole runs at once register consistent versions; no
 * credential is printed or stored.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "@mlops/compiler";
import pg from "pg";
import { postgresAvailable, startPostgres, type PostgresServer } from "../../../test/support/postgres-server.js";
import { runCliAsync } from "../../../test/support/cli.js";
import { startS3, type S3Server } from "../../../test/support/s3-server.js";
import { openStores } from "../../src/store/open-stores.js";
import { copyExample, edit, mlops, removeProjects } from "./support/projects.js";

/**
 * Runs every step of `group` as its own process of the built CLI (a process per task starts in a fraction
 * of the time tsx takes), in dependency order, independent steps concurrently.
 */
async function runAsOrchestrator(plan: Plan, planDir: string, runId: string, env: Record<string, string>): Promise<string[]> {
  const steps = plan.steps.filter((s) => s.group === "pipeline");
  const done = new Map<string, Promise<void>>();
  const failures: string[] = [];
  for (const step of steps) {
    const needs = step.needs.map((n) => done.get(n)).filter((p): p is Promise<void> => p !== undefined);
    done.set(
      step.id,
      Promise.all(needs).then(async () => {
        const r = await runCliAsync(["run-step", "--plan", planDir, "--step", step.id, "--run-id", runId, "--quiet"], { env });
        if (r.status !== 0) failures.push(`${step.id}: ${r.stdout}${r.stderr}`);
      }),
    );
  }
  await Promise.all(done.values());
  return failures;
}

const PASSWORD = "pg-pass-7f3a9c";

describe.skipIf(!postgresAvailable())("shared stores [postgres + s3]", () => {
  let server: PostgresServer;
  let s3: S3Server;
  let prefixes = 0;
  beforeAll(async () => {
    [server, s3] = await Promise.all([startPostgres(), startS3(["mlops"])]);
  });
  afterAll(async () => {
    server?.stop();
    await s3?.stop();
    removeProjects();
  });

  /** A fresh database (its URL carries a password: trust auth ignores it, but it must never show) and S3 prefix. */
  async function sharedEnv(): Promise<Record<string, string>> {
    const url = (await server.createDatabase()).replace("postgres@", `postgres:${PASSWORD}@`);
    return { ...s3.env, MLOPS_DATABASE_URL: url, MLOPS_ARTIFACT_STORE: `s3://mlops/project${++prefixes}` };
  }

  /** Every value stored in the database, as text. */
  async function databaseText(url: string): Promise<string> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const tables = await client.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public'");
      let text = "";
      for (const { tablename } of tables.rows) {
        const rows = await client.query(`SELECT row_to_json(t)::text AS j FROM "${tablename}" t`);
        text += rows.rows.map((r: { j: string }) => r.j).join("\n");
      }
      return text;
    } finally {
      await client.end();
    }
  }

  it("one run-step process per task under one --run-id is one run that registers and deploys the model", { timeout: 300_000 }, async () => {
    const env = await sharedEnv();
    const dir = copyExample("iris");
    const built = await mlops(["build", dir, "-o", join(dir, "plan.json")]);
    expect(built.code).toBe(0);
    const plan = JSON.parse((await import("node:fs")).readFileSync(join(dir, "plan.json"), "utf8")) as Plan;
    const failures = await runAsOrchestrator(plan, join(dir, "plan.json"), "manual__2026-03-01T00:00:00+00:00", env);
    expect(failures).toEqual([]);
    expect(existsSync(join(dir, ".mlops", "metadata.db"))).toBe(false);
    expect(existsSync(join(dir, ".mlops", "artifacts"))).toBe(false);
    const runs = JSON.parse((await mlops(["runs", "list", "--json"], dir, env)).stdout) as Array<{ id: string; status: string }>;
    expect(runs).toEqual([expect.objectContaining({ id: "manual__2026-03-01T00:00:00+00:00", status: "succeeded" })]);
    const show = JSON.parse((await mlops(["runs", "show", runs[0]!.id, "--json"], dir, env)).stdout) as {
      steps: Array<{ stepId: string }>;
    };
    expect(show.steps.map((s) => s.stepId).sort()).toEqual(
      plan.steps
        .filter((s) => s.group === "pipeline")
        .map((s) => s.id)
        .sort(),
    );
    expect((await mlops(["models", "list"], dir, env)).stdout).toMatch(/species_clf\s+1\s+v1\s+production=v1/);
  });

  it("two whole runs at once against one database give distinct versions, and identical runs one version", {
    timeout: 300_000,
  }, async () => {
    const env = await sharedEnv();
    const a = copyExample("iris");
    const b = copyExample("iris");
    const c = copyExample("iris");
    edit(b, "iris.mlops", "epochs = 300 }", "epochs = 300, l2 = 0.01 }");
    const results = await Promise.all([a, b, c].map((dir) => runCliAsync(["run", dir], { env })));
    for (const r of results) expect(r.status, r.stdout + r.stderr).toBe(0);
    const again = await runCliAsync(["run", a], { env });
    expect(again.stdout).toMatch(/cached\s+train\.species_clf/);
    const outputs = [...results, again].map((r) => r.stdout + r.stderr).join("\n");
    for (const secret of [PASSWORD, s3.env.AWS_SECRET_ACCESS_KEY!]) {
      expect(outputs).not.toContain(secret);
      expect(await databaseText(env.MLOPS_DATABASE_URL!)).not.toContain(secret);
    }
    const stores = await openStores({ env, cwd: a, projectRoot: a });
    try {
      for (const hash of await stores.artifacts.list()) {
        const text = (await stores.artifacts.get(hash)).toString("latin1");
        expect(text).not.toContain(PASSWORD);
        expect(text).not.toContain(s3.env.AWS_SECRET_ACCESS_KEY!);
      }
    } finally {
      await stores.close();
    }
    const shown = JSON.parse((await mlops(["models", "show", "species_clf", "--json"], a, env)).stdout) as {
      versionList: Array<{ version: number; artifactHash: string }>;
      audit: Array<{ action: string; version: number }>;
    };
    expect(shown.versionList.map((v) => v.version)).toEqual([1, 2]);
    expect(new Set(shown.versionList.map((v) => v.artifactHash)).size).toBe(2);
    expect(shown.audit.filter((e) => e.action === "register").map((e) => e.version)).toEqual([1, 2]);
    const runs = JSON.parse((await mlops(["runs", "list", "--json"], a, env)).stdout) as Array<{ status: string }>;
    expect(runs.map((r) => r.status)).toEqual(["succeeded", "succeeded", "succeeded", "succeeded"]);
  });
});
