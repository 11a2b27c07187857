/**
 * What a run records so it can be reproduced and compared: the context (params, env, data and
 * plan hashes, git commit and dirty flag, tool), every trainer hyperparameter, the coefficients,
 * and the evaluation's curve data — read back through `mlops runs show --json` and `models show`.
 */
import { execFileSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import type { RunDetails } from "../../src/store/metadata-store.js";
import { copyExample, edit, mlops, removeProjects } from "../executor/support/projects.js";
import { runJson } from "../executor/support/run-json.js";

afterAll(removeProjects);

async function showRun(dir: string, id: string): Promise<RunDetails> {
  const shown = await mlops(["runs", "show", id, "--json", "--project", dir]);
  expect(shown.code).toBe(0);
  return JSON.parse(shown.stdout) as RunDetails;
}

function detail(run: RunDetails, stepId: string, name: string): Record<string, unknown> {
  const found = run.details.find((d) => d.stepId === stepId && d.name === name);
  if (!found) throw new Error(`run ${run.id} has no ${name} for ${stepId}`);
  return found.value as Record<string, unknown>;
}

const git = (dir: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd: dir, encoding: "utf8" }).trim();

describe("run records", () => {
  it("a binary classifier's run keeps its context, hyperparameters, coefficients and curves", { timeout: 180_000 }, async () => {
    const dir = copyExample("fraud");
    const { code, result } = await runJson(["run", dir, "--env", "staging"]);
    expect(code).toBe(0);
    const run = await showRun(dir, result.runId);
    const context = run.context!;
    expect(context.env).toBe("staging");
    expect(context.params).toEqual({ replicas: 1, min_auc: 0.85 });
    expect(Object.keys(context.data)).toEqual(["transactions"]);
    expect(context.data.transactions).toMatch(/^[0-9a-f]{64}$/);
    expect(context.planHash).toBe(run.planHash);
    expect(context.git).toBeNull(); // the copy is not in a git repository
    expect(context.tool).toMatchObject({ name: "mlops", node: process.version });
    expect(context.models.fraud_clf).toMatchObject({ task: "binary_classification", trainer: { kind: "logistic_regression", l2: 0.001 } });

    expect(detail(run, "train.fraud_clf", "hyperparameters")).toEqual({
      trainer: "logistic_regression",
      epochs: 200,
      learning_rate: 0.1,
      l2: 0.001,
      batch_size: expect.any(Number),
      tolerance: expect.any(Number),
    });
    const coefficients = detail(run, "train.fraud_clf", "coefficients") as { inputs: string[]; weights: number[][]; outputs: string[] };
    expect(coefficients.inputs).toContain("amount_log");
    expect(coefficients.weights).toHaveLength(coefficients.inputs.length);
    expect(coefficients.outputs).toEqual(["true"]);

    const curves = detail(run, "evaluate.fraud_clf", "curves") as {
      roc: { fpr: number[]; tpr: number[] };
      pr: { recall: number[]; precision: number[] };
      calibration: Array<{ count: number; meanPredicted: number }>;
      confusion: { labels: string[]; matrix: number[][] };
    };
    expect([curves.roc.fpr[0], curves.roc.tpr[0], curves.roc.fpr.at(-1), curves.roc.tpr.at(-1)]).toEqual([0, 0, 1, 1]);
    // the trapezoid area under the stored ROC points is the AUC the gate judged
    let area = 0;
    for (let i = 1; i < curves.roc.fpr.length; i++)
      area += ((curves.roc.fpr[i]! - curves.roc.fpr[i - 1]!) * (curves.roc.tpr[i]! + curves.roc.tpr[i - 1]!)) / 2;
    const auc = run.metrics.find((m) => m.stepId === "evaluate.fraud_clf" && m.name === "auc")!.value!;
    expect(area).toBeCloseTo(auc, 2);
    expect(curves.pr.recall.at(-1)).toBe(1);
    const testRows = curves.confusion.matrix.flat().reduce((a, b) => a + b, 0);
    expect(curves.calibration.reduce((a, b) => a + b.count, 0)).toBe(testRows);
    expect(curves.confusion.labels).toEqual(["false", "true"]);
    const recall = run.metrics.find((m) => m.stepId === "evaluate.fraud_clf" && m.name === "recall")!.value!;
    const [, [fn, tp]] = curves.confusion.matrix as [[number, number], [number, number]];
    expect(tp / (tp + fn)).toBeCloseTo(recall, 6);

    const models = await mlops(["models", "show", "fraud_clf", "--project", dir]);
    expect(models.stdout).toMatch(/^v1\s.*logistic_regression epochs=200 learning_rate=0\.1 l2=0\.001/m);
  });

  it("records the git commit, the dirty flag once a project file changes, and no branch when detached", { timeout: 180_000 }, async () => {
    const dir = copyExample("iris");
    git(dir, "init", "-q", "-b", "main");
    git(dir, "add", ".");
    git(dir, "commit", "-q", "-m", "iris");
    const commit = git(dir, "rev-parse", "HEAD");
    const clean = await runJson(["run", dir]);
    expect((await showRun(dir, clean.result.runId)).context!.git).toEqual({ commit, dirty: false, branch: "main" });
    edit(dir, "iris.mlops", "epochs = 300 }", "epochs = 300, l2 = 0.01 }");
    const dirty = await runJson(["run", dir]);
    const run = await showRun(dir, dirty.result.runId);
    expect(run.context!.git).toEqual({ commit, dirty: true, branch: "main" });
    expect(detail(run, "train.species_clf", "hyperparameters")).toMatchObject({ trainer: "softmax_regression", l2: 0.01 });
    git(dir, "checkout", "-q", "--", "iris.mlops");
    git(dir, "checkout", "-q", "--detach");
    const detached = await runJson(["run", dir]);
    expect((await showRun(dir, detached.result.runId)).context!.git).toEqual({ commit, dirty: false, branch: null });
  });
});
