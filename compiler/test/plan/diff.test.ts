import { mkdtempSync, readFileSync, writeFileSync, copyFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { diffPlans, isEmptyDiff } from "@mlops/compiler";
import { compilePlan, repoRoot } from "./compile-plan.js";

const fraudSource = readFileSync(join(repoRoot, "examples/fraud/fraud.mlops"), "utf8");

/** Compiles the fraud example after replacing `from` by `to` in its text (each must occur). */
function fraudWith(...edits: Array<[string, string]>) {
  let text = fraudSource;
  for (const [from, to] of edits) {
    expect(text.includes(from), `the example contains ${from}`).toBe(true);
    text = text.replace(from, to);
  }
  const dir = mkdtempSync(join(tmpdir(), "mlops-diff-"));
  mkdirSync(join(dir, "data"));
  copyFileSync(join(repoRoot, "examples/fraud/data/transactions.csv"), join(dir, "data/transactions.csv"));
  writeFileSync(join(dir, "fraud.mlops"), text);
  return compilePlan(join(dir, "fraud.mlops"));
}

const before = fraudWith();

describe("mlops diff classifies changes", () => {
  it("finds nothing between identical programs", () => {
    expect(isEmptyDiff(diffPlans(before, fraudWith()))).toBe(true);
  });

  it("reports changed params", () => {
    const diff = diffPlans(before, fraudWith(["param replicas: int = 2", "param replicas: int = 3"]));
    expect(diff.params).toEqual([{ param: "replicas", before: 2, after: 3 }]);
    expect(diff.deployments).toContainEqual({ deployment: "fraud_api", field: "replicas", before: "2", after: "3" });
  });

  it("says a gate was loosened when a lower bound goes down", () => {
    const diff = diffPlans(before, fraudWith(["require recall >= 70%", "require recall >= 60%"]));
    expect(diff.gates).toEqual([
      { gate: "release", rule: "recall >= 60%", effect: "loosened", before: "recall >= 70%", after: "recall >= 60%" },
    ]);
  });

  it("says a gate was tightened when an upper bound goes down", () => {
    const diff = diffPlans(before, fraudWith(["latency_p95 <= 20ms", "latency_p95 <= 10ms"]));
    expect(diff.gates).toMatchObject([
      { gate: "release", effect: "tightened", before: "latency_p95 <= 20ms", after: "latency_p95 <= 10ms" },
    ]);
  });

  it("treats a removed rule as loosening and a wider champion margin as loosening", () => {
    const removed = diffPlans(before, fraudWith(["  require recall >= 70%\n", ""]));
    expect(removed.gates).toMatchObject([{ effect: "loosened", rule: "recall >= 70%" }]);
    const margin = diffPlans(before, fraudWith(["champion.auc - 0.01", "champion.auc - 0.05"]));
    expect(margin.gates).toMatchObject([{ effect: "loosened" }]);
  });

  it("classifies schema changes as breaking or compatible", () => {
    const diff = diffPlans(
      before,
      fraudWith(
        ["hour:              int range(0, 23)", "hour:              float range(0, 23)"],
        ["country:           string?", "country:           string?\n    channel:           string?"],
        ["tx_id:             string unique", "tx_id:             string? unique"],
      ),
    );
    expect(diff.schemas).toEqual([
      { source: "transactions", column: "channel", effect: "compatible", what: "column added (string?): data without it reads as nulls" },
      { source: "transactions", column: "hour", effect: "compatible", what: "type widened: int → float" },
      { source: "transactions", column: "tx_id", effect: "breaking", what: "became nullable: consumers must handle nulls" },
    ]);
    const narrowed = diffPlans(
      before,
      fraudWith(
        ['enum("grocery", "travel", "online", "fuel")', 'enum("grocery", "travel", "online")'],
        ["amount:            float range(0, 100000)", "amount:            float range(0, 50000)"],
      ),
    );
    expect(narrowed.schemas.map((s) => [s.column, s.effect])).toEqual([
      ["amount", "breaking"],
      ["merchant_category", "breaking"],
    ]);
  });

  it("reports features added, removed and changed", () => {
    const diff = diffPlans(
      before,
      fraudWith(
        ["amount_log = log1p(amount)", "amount_sqrt = sqrt(amount)"],
        ["is_night   = hour < 6 or hour >= 22", "is_night   = hour < 5 or hour >= 22"],
      ),
    );
    expect(diff.features.map((f) => [f.feature, f.change])).toEqual([
      ["amount_log", "removed"],
      ["amount_sqrt", "added"],
      ["is_night", "changed"],
    ]);
  });

  it("names trainer and split changes, not only the cache keys they change", () => {
    const diff = diffPlans(before, fraudWith(["epochs = 200", "epochs = 300"], ["test = 20%", "test = 25%"]));
    expect(diff.models).toEqual([
      { model: "fraud_clf", field: "split.test", before: "0.2", after: "0.25" },
      { model: "fraud_clf", field: "trainer.epochs", before: "200", after: "300" },
    ]);
    const kind = diffPlans(before, fraudWith(["logistic_regression { epochs = 200, l2 = 0.001 }", "softmax_regression {}"]));
    expect(kind.models).toEqual([{ model: "fraud_clf", field: "trainer", before: "logistic_regression", after: "softmax_regression" }]);
  });

  it("says a monitor was loosened when a drift threshold or a policy fires less often", () => {
    const diff = diffPlans(
      before,
      fraudWith(
        ["drift amount:            psi > 0.2", "drift amount:            psi > 0.3"],
        ["when drift_share >= 30%", "when drift_share >= 50%"],
        ["when latency_p99 > 100ms", "when latency_p99 > 50ms"],
      ),
    );
    expect(diff.monitors).toEqual([
      { monitor: "fraud_drift", rule: "drift amount", effect: "loosened", before: "psi > 0.2", after: "psi > 0.3" },
      {
        monitor: "fraud_drift",
        rule: "when … => alert(ml_oncall)",
        effect: "tightened",
        before: "latency_p99 > 100",
        after: "latency_p99 > 50",
      },
      {
        monitor: "fraud_drift",
        rule: "when … => retrain(fraud_clf)",
        effect: "loosened",
        before: "drift_share >= 0.3",
        after: "drift_share >= 0.5",
      },
    ]);
    const removed = diffPlans(before, fraudWith(["  drift prediction:        psi > 0.1\n", ""]));
    expect(removed.monitors).toEqual([{ monitor: "fraud_drift", rule: "drift prediction", effect: "loosened", before: "psi > 0.1" }]);
  });

  it("reports deployment resource changes and the steps whose cache keys change", () => {
    const diff = diffPlans(before, fraudWith(["memory    = 512Mi", "memory    = 1Gi"]));
    expect(diff.deployments).toEqual([
      { deployment: "fraud_api", field: "memoryBytes", before: String(512 * 1024 ** 2), after: String(1024 ** 3) },
    ]);
    expect(diff.steps).toEqual([{ step: "deploy.fraud_api", change: "cache key changed" }]);
    const trainer = diffPlans(before, fraudWith(["epochs = 200", "epochs = 300"]));
    expect(trainer.steps.map((s) => s.step)).toEqual([
      "train.fraud_clf",
      "evaluate.fraud_clf",
      "gate.release",
      "register.fraud_clf",
      "deploy.fraud_api",
    ]);
  });

  it("reports how steps run (resources, retries, queue), which no cache key sees", () => {
    const diff = diffPlans(
      before,
      fraudWith(
        ['tags        = ["finance", "pci"]', 'tags        = ["finance", "pci"]\n  retries = 0'],
        [
          "trainer  = logistic_regression { epochs = 200, l2 = 0.001 }",
          'trainer  = logistic_regression { epochs = 200, l2 = 0.001 }\n  resources = { memory = 8Gi }\n  queue = { pool = "gpu" }',
        ],
      ),
    );
    expect(diff.steps).toEqual([]);
    const train = diff.execution.filter((c) => c.step === "train.fraud_clf");
    expect(train).toEqual([
      { step: "train.fraud_clf", field: "memoryBytes", before: String(2 * 1024 ** 3), after: String(8 * 1024 ** 3) },
      { step: "train.fraud_clf", field: "pool", after: "gpu" },
      { step: "train.fraud_clf", field: "retries", before: "2", after: "0" },
    ]);
    expect(diff.execution.filter((c) => c.field === "retries")).toHaveLength(before.steps.length);
  });
});
