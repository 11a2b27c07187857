import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadPlan, serializePlan, validatePlan, type Plan } from "@mlops/compiler";
import { compilePlan, corpusPrograms, repoRoot, sharedConformance } from "./compile-plan.js";

const examples = ["fraud/fraud.mlops", "house-prices/house-prices.mlops", "iris/iris.mlops", "credit/credit.mlops"].map((f) =>
  join(repoRoot, "examples", f),
);
const validPrograms = [
  ...examples,
  ...(existsSync(sharedConformance) ? corpusPrograms(join(sharedConformance, "valid")) : []),
  ...(existsSync(join(repoRoot, "test/corpus/valid")) ? corpusPrograms(join(repoRoot, "test/corpus/valid")) : []),
];

describe("every valid program builds a plan that fits the schema", () => {
  it.each(validPrograms.map((p) => [p.slice(repoRoot.length - 4)]))("%s", (file) => {
    const plan = compilePlan(validPrograms.find((p) => p.endsWith(file.slice(4)))!);
    expect(validatePlan(JSON.parse(serializePlan(plan)))).toEqual([]);
  });
});

describe("the plan is complete, portable and deterministic", () => {
  const fraud = examples[0]!;

  it("is byte-identical across builds", () => {
    expect(serializePlan(compilePlan(fraud))).toBe(serializePlan(compilePlan(fraud)));
  });

  it("holds no absolute path of the build machine", () => {
    const text = serializePlan(compilePlan(fraud));
    expect(text).not.toContain(repoRoot);
    expect(compilePlan(fraud).sources.transactions?.path).toBe("data/transactions.csv");
  });

  it("resolves params and normalises units", () => {
    const plan = compilePlan(fraud);
    const target = plan.deployments.fraud_api?.target;
    expect(target).toMatchObject({
      kind: "kubernetes",
      replicas: 2,
      cpuMillis: 500,
      memoryBytes: 512 * 1024 * 1024,
      autoscale: { min: 2, max: 10, targetCpu: 0.7 },
    });
    expect(plan.deployments.fraud_api?.rollout).toEqual({ kind: "canary", steps: [0.1, 0.5, 1], intervalMs: 600_000 });
    expect(plan.deployments.fraud_api?.envVars).toEqual({ DB_URL: { kind: "secret", name: "fraud-db", key: "url" } });
    expect(plan.gates.release?.rules.find((r) => r.metric === "auc" && !r.usesChampion)?.threshold).toEqual({
      nodes: [{ op: "lit", value: 0.85 }],
    });
    expect(plan.gates.release?.rules.find((r) => r.metric === "latency_p95")).toMatchObject({
      unit: "ms",
      better: "lower",
      threshold: { nodes: [{ op: "lit", value: 20 }] },
    });
    expect(plan.monitors.fraud_drift).toMatchObject({ windowMs: 86_400_000, schedule: { kind: "every", intervalMs: 21_600_000 } });
  });

  it("lays out the model input vector and marks stateful features", () => {
    const plan = compilePlan(fraud);
    const model = plan.models.fraud_clf!;
    expect(model.inputs.map((i) => [i.feature, i.offset, i.width])).toEqual([
      ["amount_log", 0, 1],
      ["amount_z", 1, 1],
      ["is_night", 2, 1],
      ["category", 3, 4],
      ["country_b", 7, 32],
    ]);
    expect(model.inputWidth).toBe(39);
    const features = plan.featureSets.tx!.features;
    expect(features.find((f) => f.name === "amount_z")).toMatchObject({
      stateful: true,
      expr: {
        nodes: [
          { op: "ref", scope: "column", name: "amount" },
          { op: "call", fn: "standardize", args: [0], state: "tx.amount_z#0" },
        ],
      },
    });
    expect(features.find((f) => f.name === "is_night")).toMatchObject({ stateful: false, type: { kind: "bool" } });
  });

  it("orders steps so that each comes after what it needs", () => {
    const plan = compilePlan(fraud);
    const seen = new Set<string>();
    for (const step of plan.steps) {
      for (const need of step.needs) expect(seen.has(need), `${step.id} needs ${need}`).toBe(true);
      seen.add(step.id);
    }
    expect(plan.steps.map((s) => s.id)).toEqual([
      "ingest.transactions",
      "validate.transactions",
      "split.fraud_clf",
      "fit_features.fraud_clf",
      "train.fraud_clf",
      "evaluate.fraud_clf",
      "gate.release",
      "register.fraud_clf",
      "deploy.fraud_api",
      "monitor.fraud_drift",
    ]);
    expect(plan.steps.filter((s) => s.dataDependent).map((s) => s.id)).toContain("train.fraud_clf");
  });
});

describe("env resolution", () => {
  const fraud = examples[0]!;
  const base = compilePlan(fraud);
  const prod = compilePlan(fraud, "prod");

  it("changes exactly the overridden params", () => {
    expect(prod.env).toBe("prod");
    expect(prod.params.replicas?.value).toBe(6);
    expect(prod.params.min_auc?.value).toBeCloseTo(0.9);
    expect(base.params.replicas?.value).toBe(2);
    expect(prod.envs).toEqual(base.envs);
    expect(prod.deployments.fraud_api?.target).toMatchObject({ replicas: 6 });
  });

  it("changes the cache keys of the steps that depend on them, and only those", () => {
    const changed = prod.steps.filter((s, i) => s.cacheKey !== base.steps[i]!.cacheKey).map((s) => s.id);
    expect(changed).toEqual(["gate.release", "register.fraud_clf", "deploy.fraud_api"]);
  });
});

describe("a consumer refuses an invalid plan", () => {
  const plan = compilePlan(examples[2]!);

  function broken(edit: (p: Plan) => void): string {
    const copy = JSON.parse(serializePlan(plan)) as Plan;
    edit(copy);
    return JSON.stringify(copy);
  }

  it("names the path of a wrong value", () => {
    expect(() =>
      loadPlan(
        broken((p) => ((p.models.species_clf!.split as { test: number }).test = 1.5)),
        "plan.json",
      ),
    ).toThrow(/\/models\/species_clf\/split\/test: must be < 1/);
  });

  it("names a missing property and an unknown one", () => {
    expect(validatePlan(JSON.parse(broken((p) => delete (p as Partial<Plan>).steps)))).toEqual([
      { path: "/", message: "missing property 'steps'" },
    ]);
    expect(validatePlan(JSON.parse(broken((p) => ((p.sources.flowers as unknown as Record<string, unknown>).extra = 1))))).toEqual([
      { path: "/sources/flowers", message: "unknown property 'extra'" },
    ]);
  });

  it("rejects an absolute data path", () => {
    expect(validatePlan(JSON.parse(broken((p) => (p.sources.flowers!.path = "/etc/passwd")))).map((e) => e.path)).toEqual([
      "/sources/flowers/path",
    ]);
  });
});

describe("each step's execution", () => {
  const plan = compilePlan(join(repoRoot, "test/corpus/valid/step_execution.mlops"));
  const execution = (id: string) => plan.steps.find((s) => s.id === id)!.execution;

  it("takes the pipeline's defaults, and for a model's train step the model's, key by key", () => {
    expect(execution("ingest.s")).toMatchObject({ cpuMillis: 500, retries: 1, retryDelayMs: 120_000, timeoutMs: 1_800_000 });
    expect(execution("train.m")).toMatchObject({ cpuMillis: 4000, gpu: 1, retries: 0, retryDelayMs: 120_000, timeoutMs: 21_600_000 });
  });

  it("queues a step in the declared pool with its priority; a model overrides the pipeline's queue key by key", () => {
    expect(execution("ingest.s")).toMatchObject({ pool: "ml_steps", priorityWeight: -5, priorityClass: "ml-batch" });
    expect(execution("ingest.s")).not.toHaveProperty("poolSlots");
    expect(execution("train.m")).toMatchObject({ pool: "gpu.training", poolSlots: 2, priorityWeight: 10, priorityClass: "ml-batch" });
  });

  it("says nothing of queueing when nothing is declared (Airflow's and the cluster's defaults apply)", () => {
    const iris = compilePlan(join(repoRoot, "examples/iris/iris.mlops"));
    for (const step of iris.steps) expect(Object.keys(step.execution)).not.toContain("pool");
    for (const step of iris.steps) expect(Object.keys(step.execution).filter((k) => k.startsWith("priority"))).toEqual([]);
  });
});
