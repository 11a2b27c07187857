/** End-to-end runs of every example through `mlops run`, in a copy of the example folder. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { copyExample, mlops, removeProjects } from "./support/projects.js";
import { withStores } from "./support/stores.js";

afterAll(removeProjects);

interface RunJson {
  status: string;
  steps: Array<{ stepId: string; status: string; metrics: Record<string, number>; error?: string }>;
}

async function runJson(args: string[]): Promise<{ code: number; result: RunJson }> {
  const { code, stdout, stderr } = await mlops([...args, "--json"]);
  if (!stdout.trim().startsWith("{")) throw new Error(`mlops ${args.join(" ")} printed no JSON:\n${stdout}\n${stderr}`);
  return { code, result: JSON.parse(stdout) as RunJson };
}

function production(dir: string, model: string): Promise<{ version: number; metrics: Record<string, number | null> } | null> {
  return withStores(dir, ({ metadata }) => metadata.registry.getAlias(model, "production"));
}

describe("mlops run on the examples", () => {
  it("fraud: trains, evaluates through ONNX, passes its gate, registers and promotes v1", async () => {
    const dir = copyExample("fraud");
    const { code, result } = await runJson(["run", dir]);
    expect(result.steps.filter((s) => s.status !== "succeeded")).toEqual([]);
    expect(code).toBe(0);
    const metrics = result.steps.find((s) => s.stepId === "evaluate.fraud_clf")!.metrics;
    expect(metrics.auc).toBeGreaterThan(0.85);
    expect(metrics.latency_p95).toBeGreaterThan(0);
    expect(metrics["demographic_parity_difference(by=country)"]).toBeGreaterThanOrEqual(0);
    for (const name of ["accuracy", "precision", "recall", "f1", "pr_auc", "log_loss", "brier"]) expect(metrics[name]).toBeTypeOf("number");
    expect((await production(dir, "fraud_clf"))?.version).toBe(1);
    const verdict = JSON.parse(readFileSync(join(dir, ".mlops/reports/gate.release/verdict.json"), "utf8")) as {
      passed: boolean;
      rules: Array<{ reason: string }>;
    };
    expect(verdict.passed).toBe(true);
    expect(verdict.rules.map((r) => r.reason)).toContain("no champion: fraud_clf has no production version");
    expect(readFileSync(join(dir, ".mlops/reports/validate.transactions/data-report.txt"), "utf8")).toContain("pass  row_count >= 1000");

    // --env prod raises min_auc and replicas: no training step depends on them
    const prod = await runJson(["run", dir, "--env", "prod"]);
    expect(prod.code).toBe(0);
    const cached = prod.result.steps.filter((s) => s.status === "cached").map((s) => s.stepId);
    expect(cached).toEqual([
      "ingest.transactions",
      "validate.transactions",
      "split.fraud_clf",
      "fit_features.fraud_clf",
      "train.fraud_clf",
      "evaluate.fraud_clf",
    ]);
    const rules = JSON.parse(readFileSync(join(dir, ".mlops/reports/gate.release/verdict.json"), "utf8")) as {
      rules: Array<{ rule: string; threshold: number }>;
    };
    expect(rules.rules.find((r) => r.rule === "auc >= params.min_auc")!.threshold).toBe(0.9);
  });

  it("credit: searches four candidates by 3-fold AUC, refits the best, passes its gate and registers v1 (no deployment: no alias)", async () => {
    const dir = copyExample("credit");
    const { code, result } = await runJson(["run", dir]);
    expect(result.steps.filter((s) => s.status !== "succeeded")).toEqual([]);
    expect(code).toBe(0);
    expect(result.steps.find((s) => s.stepId === "search.default_clf")!.metrics).toMatchObject({ candidates: 4, trained: 4 });
    const metrics = result.steps.find((s) => s.stepId === "evaluate.default_clf")!.metrics;
    expect(metrics.auc).toBeGreaterThan(0.7);
    expect(metrics.log_loss).toBeLessThanOrEqual(0.4);
    await withStores(dir, async ({ metadata }) => {
      expect((await metadata.registry.getVersion("default_clf", 1))?.lineage).toMatchObject({
        pipeline: "credit_risk",
        gates: ["release"],
      });
    });
    expect(await production(dir, "default_clf")).toBeNull();
    // --env strict raises only the gate's threshold: the search and everything before the gate is cached
    const strict = await runJson(["run", dir, "--env", "strict"]);
    expect(strict.code).toBe(0);
    expect(strict.result.steps.filter((s) => s.status === "cached").map((s) => s.stepId)).toContain("search.default_clf");
  });

  it("house-prices: ridge regression from parquet meets its r2 and rmse gate", async () => {
    const dir = copyExample("house-prices");
    const { code, result } = await runJson(["run", dir]);
    expect(code).toBe(0);
    const metrics = result.steps.find((s) => s.stepId === "evaluate.price_model")!.metrics;
    expect(metrics.r2).toBeGreaterThan(0.6);
    for (const name of ["rmse", "mae", "mape"]) expect(metrics[name]).toBeGreaterThan(0);
    expect((await production(dir, "price_model"))?.version).toBe(1);
  });

  it("iris: softmax regression, then the batch group scores new flowers with the production model", async () => {
    const dir = copyExample("iris");
    const { code, result } = await runJson(["run", dir]);
    expect(code).toBe(0);
    const metrics = result.steps.find((s) => s.stepId === "evaluate.species_clf")!.metrics;
    expect(metrics.accuracy).toBeGreaterThan(0.9);
    await withStores(dir, async ({ metadata }) => {
      const kinds = (await metadata.lineageOf({ kind: "version", id: "species_clf@1" })).map((e) => e.from.kind);
      expect([...new Set(kinds)].sort()).toEqual(["data", "features", "model", "plan"]);
      const version = (await metadata.registry.getVersion("species_clf", 1))!;
      expect(version.lineage).toMatchObject({
        pipeline: "iris_species",
        data: { flowers: expect.stringMatching(/^[0-9a-f]{64}$/) },
        gates: ["ok"],
      });
    });
    for (const name of ["macro_f1", "weighted_f1", "macro_precision", "macro_recall", "log_loss"])
      expect(metrics[name]).toBeTypeOf("number");
    const batch = await mlops(["run", dir, "--group", "batch.species_scores"]);
    expect(batch.code).toBe(0);
    const lines = readFileSync(join(dir, "out/scores.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const incoming = readFileSync(join(dir, "data/incoming.jsonl"), "utf8").trim().split("\n");
    expect(lines).toHaveLength(incoming.length);
    for (const line of lines) expect(["setosa", "versicolor", "virginica"]).toContain(line.prediction);
    expect(existsSync(join(dir, "out"))).toBe(true);
  });
});
