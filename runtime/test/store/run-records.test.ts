/** What reproduces a run and the steps' structured records, in every metadata backend. */
import { afterEach, expect, it } from "vitest";
import type { MetadataStore, RunContext } from "../../src/store/metadata-store.js";
import { describeBackends } from "./support/backends.js";

const CONTEXT: RunContext = {
  env: "prod",
  params: { min_auc: 0.9, replicas: 6, regions: ["eu", "us"] },
  planHash: "p".repeat(64),
  sourceHash: "s".repeat(64),
  data: { transactions: "d".repeat(64) },
  models: { fraud_clf: { task: "binary_classification", trainer: { kind: "logistic_regression", l2: 0.001 } } },
  git: { commit: "c".repeat(40), dirty: true, branch: "main" },
  tool: { name: "mlops", version: "0.1.0", node: "v20.0.0", platform: "linux-x64" },
};

describeBackends("run records", (backend) => {
  const stores: MetadataStore[] = [];
  async function open(): Promise<MetadataStore> {
    let t = Date.parse("2026-02-01T00:00:00Z");
    const store = await backend.open(await backend.fresh(), { user: "alice", now: () => new Date((t += 1000)) });
    stores.push(store);
    return store;
  }
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
  });

  it("keeps what reproduces a run, and nothing for a run without it", async () => {
    const store = await open();
    const run = await store.startRun({ planHash: CONTEXT.planHash, pipeline: "fraud", env: "prod" });
    expect((await store.showRun(run.id))!.context).toBeNull();
    await store.recordRunContext(run.id, CONTEXT);
    expect((await store.showRun(run.id))!.context).toEqual(CONTEXT);
    await store.recordRunContext(run.id, { ...CONTEXT, git: null });
    expect((await store.showRun(run.id))!.context?.git).toBeNull();
    await expect(store.recordRunContext("no-such-run", CONTEXT)).rejects.toThrow(/no run no-such-run/);
  });

  it("keeps each step's structured records by name, in step order, a later record replacing an earlier one", async () => {
    const store = await open();
    const run = await store.startRun({ planHash: "plan" });
    await store.startStep(run.id, "train.clf");
    await store.startStep(run.id, "evaluate.clf");
    await store.recordStepDetails(run.id, "evaluate.clf", {
      curves: { task: "binary_classification", roc: { fpr: [0, 0.5, 1], tpr: [0, 0.9, 1], thresholds: [null, 0.5, 0.1] } },
    });
    await store.recordStepDetails(run.id, "train.clf", {
      hyperparameters: { l2: 0.01, epochs: 100 },
      fit: { iterations: 12, converged: true },
    });
    await store.recordStepDetails(run.id, "train.clf", { hyperparameters: { l2: 0.001, epochs: 100 } });
    await store.recordStepDetails(run.id, "train.clf", {});
    const details = (await store.showRun(run.id))!.details;
    expect(details.map((d) => [d.stepId, d.name])).toEqual([
      ["train.clf", "fit"],
      ["train.clf", "hyperparameters"],
      ["evaluate.clf", "curves"],
    ]);
    expect(details[1]!.value).toEqual({ l2: 0.001, epochs: 100 });
    expect(details[2]!.value).toEqual({
      task: "binary_classification",
      roc: { fpr: [0, 0.5, 1], tpr: [0, 0.9, 1], thresholds: [null, 0.5, 0.1] },
    });
    const other = await store.startRun({ planHash: "plan" });
    expect((await store.showRun(other.id))!.details).toEqual([]);
  });
});
