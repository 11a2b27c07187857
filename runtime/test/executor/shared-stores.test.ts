/**
 * The runtime on shared stores (PostgreSQL metadata + a shared artifact directory): an
 * orchestrator's tasks — one `mlops run-step --run-id` process per step, independent steps at
 * once — make one run; two whole runs at once register consistent versions.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "@mlops/compiler";
import { postgresAvailable, startPostgres, type PostgresServer } from "../../../test/support/postgres-server.js";
import { REPO, copyExample, edit, mlops, removeProjects } from "./support/projects.js";

/** The built CLI (the global setup rebuilds dist/): a process per task starts in a fraction of the time tsx takes. */
const CLI = join(REPO, "compiler/bin/mlops.js");

function spawnMlops(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: REPO,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Runs every step of `group` as its own process, in dependency order, independent steps concurrently. */
async function runAsOrchestrator(plan: Plan, planDir: string, runId: string, env: Record<string, string>): Promise<string[]> {
  const steps = plan.steps.filter((s) => s.group === "pipeline");
  const done = new Map<string, Promise<void>>();
  const failures: string[] = [];
  for (const step of steps) {
    const needs = step.needs.map((n) => done.get(n)).filter((p): p is Promise<void> => p !== undefined);
    done.set(
      step.id,
      Promise.all(needs).then(async () => {
        const r = await spawnMlops(["run-step", "--plan", planDir, "--step", step.id, "--run-id", runId, "--quiet"], env);
        if (r.code !== 0) failures.push(`${step.id}: ${r.stdout}${r.stderr}`);
      }),
    );
  }
  await Promise.all(done.values());
  return failures;
}

describe.skipIf(!postgresAvailable())("shared stores [postgres]", () => {
  let server: PostgresServer;
  const dirs: string[] = [];
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(() => {
    server?.stop();
    removeProjects();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  async function sharedEnv(): Promise<Record<string, string>> {
    const artifacts = mkdtempSync(join(tmpdir(), "mlops-shared-artifacts-"));
    dirs.push(artifacts);
    return { MLOPS_DATABASE_URL: await server.createDatabase(), MLOPS_ARTIFACT_STORE: `file://${artifacts}` };
  }

  it("one run-step process per task under one --run-id is one run that registers and deploys the model", { timeout: 300_000 }, async () => {
    const env = await sharedEnv();
    const dir = copyExample("iris");
    const built = await mlops(["build", dir, "-o", join(dir, "plan.json")]);
    expect(built.code).toBe(0);
    const plan = JSON.parse((await import("node:fs")).readFileSync(join(dir, "plan.json"), "utf8")) as Plan;
    const failures = await runAsOrchestrator(plan, join(dir, "plan.json"), "manual__2026-03-01T00:00:00+00:00", env);
    expect(failures).toEqual([]);
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
    edit(b, "iris.mlops", "epochs = 300, learning_rate = 0.05", "epochs = 300, learning_rate = 0.05, l2 = 0.01");
    const results = await Promise.all([a, b, c].map((dir) => spawnMlops(["run", dir, "--quiet"], env)));
    for (const r of results) expect(r.code, r.stdout + r.stderr).toBe(0);
    const shown = JSON.parse((await mlops(["models", "show", "species_clf", "--json"], a, env)).stdout) as {
      versionList: Array<{ version: number; artifactHash: string }>;
      audit: Array<{ action: string; version: number }>;
    };
    expect(shown.versionList.map((v) => v.version)).toEqual([1, 2]);
    expect(new Set(shown.versionList.map((v) => v.artifactHash)).size).toBe(2);
    expect(shown.audit.filter((e) => e.action === "register").map((e) => e.version)).toEqual([1, 2]);
    const runs = JSON.parse((await mlops(["runs", "list", "--json"], a, env)).stdout) as Array<{ status: string }>;
    expect(runs.map((r) => r.status)).toEqual(["succeeded", "succeeded", "succeeded"]);
  });
});
