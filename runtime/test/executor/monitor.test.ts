/** `mlops run --group monitor.NAME`: drift of current traffic against the training split, and the policies. */
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { copyExample, edit, removeProjects } from "./support/projects.js";
import { withStores } from "./support/stores.js";
import { runJson } from "./support/run-json.js";

afterAll(removeProjects);

const MONITOR = `
monitor iris_drift {
  deployment = species_scores
  reference  = training
  window     = 1d
  schedule   = every(6h)
  drift petal_length: psi > 0.2
  drift prediction:   psi > 0.2
  drift *: auto
  when drift_share >= 30% => retrain(species_clf)
  when error_rate > 1%    => rollback(species_scores)
}
`;

interface Report {
  current: string;
  currentRows: number;
  drift: Array<{ target: string; method: string; drifted: boolean }>;
  signals: Record<string, number | null>;
  policies: Array<{ policy: string; triggered: boolean; outcome?: string }>;
}

function report(dir: string): Report {
  return JSON.parse(readFileSync(join(dir, ".mlops/reports/monitor.iris_drift/monitor.json"), "utf8")) as Report;
}

function writeTraffic(dir: string, shift: number, errorEvery: number): void {
  const rows = readFileSync(join(dir, "data/iris.csv"), "utf8").trim().split("\n").slice(1);
  const now = Date.now();
  const lines = rows.map((row, i) => {
    const [sl, sw, pl, pw] = row.split(",").map(Number);
    const record = { sepal_length: sl, sepal_width: sw, petal_length: pl! + shift, petal_width: pw! + shift / 2 };
    return JSON.stringify({ at: new Date(now - (i + 1) * 60_000).toISOString(), record, latencyMs: 2, error: i % errorEvery === 0 });
  });
  mkdirSync(join(dir, ".mlops/requests"), { recursive: true });
  writeFileSync(join(dir, ".mlops/requests/species_scores.jsonl"), `${lines.join("\n")}\n`);
}

describe("monitor", () => {
  it("without a request log, a batch deployment's input is the current data; unmeasured signals trigger nothing", async () => {
    const dir = copyExample("iris");
    appendFileSync(join(dir, "iris.mlops"), MONITOR);
    expect((await runJson(["run", dir])).code).toBe(0);
    const { code, result } = await runJson(["run", dir, "--group", "monitor.iris_drift"]);
    expect(code).toBe(0);
    expect(result.steps.map((s) => s.stepId)).toEqual(["monitor.iris_drift"]);
    const r = report(dir);
    expect(r.current).toContain("source new_flowers");
    expect(r.drift.map((d) => d.target).sort()).toEqual(["petal_length", "petal_width", "prediction", "sepal_length", "sepal_width"]);
    expect(r.drift.find((d) => d.target === "sepal_width")!.method).toBe("ks");
    expect(r.policies.find((p) => p.policy === "error_rate > 1%")).toMatchObject({ triggered: false, outcome: "signal not measured" });
    // the check hashed no training data it does not ingest, and its run says so
    const training = await withStores(dir, async ({ metadata }) => (await metadata.showRun(result.runId))!.context!.data);
    expect(training).toEqual({});
  });

  it("shifted traffic with errors drifts, requests a retrain and rolls production back to the previous version", async () => {
    const dir = copyExample("iris");
    appendFileSync(join(dir, "iris.mlops"), MONITOR);
    await runJson(["run", dir]);
    edit(dir, "iris.mlops", "epochs = 300 }", "epochs = 300, l2 = 0.01 }");
    await runJson(["run", dir]);
    writeTraffic(dir, 2.5, 10);
    const { code } = await runJson(["monitor", dir, "--name", "iris_drift"]);
    expect(code).toBe(0);
    const r = report(dir);
    // the traffic has no label column (like real traffic): every row still counts
    expect(r.currentRows).toBe(150);
    expect(r.drift.find((d) => d.target === "petal_length")!.drifted).toBe(true);
    expect(r.drift.find((d) => d.target === "petal_width")!.drifted).toBe(true);
    expect(r.signals.error_rate).toBeCloseTo(0.1, 5);
    expect(r.policies.find((p) => p.policy === "drift_share >= 30%")!.triggered).toBe(true);
    expect(r.policies.find((p) => p.policy === "error_rate > 1%")!.outcome).toBe("production of species_clf rolled back to v1 (was v2)");
    await withStores(dir, async ({ metadata }) => {
      expect((await metadata.registry.getAlias("species_clf", "production"))!.version).toBe(1);
      const [rollback, audited] = (await metadata.registry.listAudit({ model: "species_clf" })).slice(-2);
      expect(rollback).toMatchObject({ action: "rollback", version: 1, reason: "monitor iris_drift: error_rate > 1%" });
      expect(audited).toMatchObject({
        action: "monitor",
        version: 2,
        reason: "iris_drift: error_rate > 1% => rollback(species_scores) → production of species_clf rolled back to v1 (was v2)",
      });
    });
    // the next unchanged run does not undo the monitor's rollback
    const next = await runJson(["run", dir]);
    expect(next.code).toBe(0);
    const deploy = next.result.steps.find((s) => s.stepId === "deploy.species_scores")!;
    expect(deploy.summary).toBe("v2 held back (rolled back); production stays v1");
    await withStores(dir, async ({ metadata }) => {
      expect((await metadata.registry.getAlias("species_clf", "production"))!.version).toBe(1);
    });
  });
});
