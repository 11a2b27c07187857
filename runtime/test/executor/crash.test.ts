/**
 * Crash safety: `mlops run` killed with SIGKILL at several points, then run again, resumes from
 * what was complete and ends with the same model, metrics and registry state as an uninterrupted run.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO, copyExample, removeProjects } from "./support/projects.js";
import { runJson } from "./support/run-json.js";
import { withStores } from "./support/stores.js";

afterAll(removeProjects);

const CLI = join(REPO, "runtime/test/executor/support/mlops.ts");

/** Spawns `mlops run DIR`, kills it with SIGKILL when a line matches `when` (or after `afterMs`); resolves with its output. */
function runAndKill(dir: string, when: RegExp | number): Promise<{ killed: boolean; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", CLI, "run", dir], {
      cwd: REPO,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    let killed = false;
    const kill = (): void => {
      if (!killed) {
        killed = true;
        child.kill("SIGKILL");
      }
    };
    const timer = typeof when === "number" ? setTimeout(kill, when) : undefined;
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (typeof when !== "number" && when.test(output)) kill();
    });
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (_code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ killed: signal === "SIGKILL", output });
    });
  });
}

function registryState(dir: string): Promise<{
  versions: number;
  production: { version: number; artifactHash: string; featuresHash: string | null } | null;
  runStatuses: string[];
}> {
  return withStores(dir, async ({ metadata }) => {
    const production = await metadata.registry.getAlias("fraud_clf", "production");
    return {
      versions: (await metadata.registry.listModels()).find((m) => m.name === "fraud_clf")?.versions ?? 0,
      production: production
        ? { version: production.version, artifactHash: production.artifactHash, featuresHash: production.featuresHash }
        : null,
      runStatuses: (await metadata.listRuns({ limit: 100 })).map((r) => r.status),
    };
  });
}

describe("kill -9 and resume", () => {
  it("resumes after kills at several points and reaches the same result as an uninterrupted run", { timeout: 240_000 }, async () => {
    const reference = copyExample("fraud");
    const expected = await runJson(["run", reference]);
    expect(expected.code).toBe(0);
    const expectedModel = expected.result.steps.find((s) => s.stepId === "train.fraud_clf")!.outputs["train.fraud_clf/model"];

    const dir = copyExample("fraud");
    const points: Array<RegExp | number> = [
      /start\s+split\.fraud_clf/,
      /start\s+train\.fraud_clf/,
      2500,
      /start\s+register\.fraud_clf/,
      /start\s+deploy\.fraud_api/,
    ];
    let kills = 0;
    for (const point of points) {
      const { killed } = await runAndKill(dir, point);
      if (killed) kills++;
    }
    expect(kills).toBeGreaterThanOrEqual(3);

    const resumed = await runJson(["run", dir]);
    expect(resumed.code).toBe(0);
    const model = resumed.result.steps.find((s) => s.stepId === "train.fraud_clf")!.outputs["train.fraud_clf/model"];
    expect(model).toBe(expectedModel);
    const metric = (r: typeof resumed.result) => r.steps.find((s) => s.stepId === "evaluate.fraud_clf")!.metrics.auc;
    expect(metric(resumed.result)).toBe(metric(expected.result));

    const state = await registryState(dir);
    expect(state.versions).toBe(1);
    expect(state.production).toEqual((await registryState(reference)).production);
    expect(state.runStatuses).toContain("interrupted");
    expect(state.runStatuses).not.toContain("running");

    const again = await runJson(["run", dir]);
    expect(again.result.steps.filter((s) => s.status === "succeeded").map((s) => s.stepId)).toEqual([
      "gate.release",
      "register.fraud_clf",
      "deploy.fraud_api",
    ]);
  });
});
