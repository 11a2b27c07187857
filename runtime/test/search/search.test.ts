/**
 * A model's search through `mlops run`: every candidate validated on the training split only,
 * the best refitted and gated, each candidate cached by its own key; folds against their
 * definition; fold scores against scikit-learn on the same folds.
 */
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { decodeDataset } from "../../src/executor/dataset-codec.js";
import { makeFolds } from "../../src/search/folds.js";
import { pickBest, type SearchResult } from "../../src/search/run-search.js";
import { cellValue, getColumn } from "../../src/data/dataset.js";
import { FileArtifactStore } from "../../src/store/file/file-artifact-store.js";
import type { RunDetails } from "../../src/store/metadata-store.js";
import { copyExample, edit, mlops, removeProjects } from "../executor/support/projects.js";
import { runJson, statuses } from "../executor/support/run-json.js";
import { pythonHas, runPython } from "../support/python-reference.js";

afterAll(removeProjects);

const IRIS_TRAINER = "trainer  = softmax_regression { epochs = 300 }";

async function searchResult(dir: string, hash: string): Promise<SearchResult> {
  const store = await FileArtifactStore.open(join(dir, ".mlops", "artifacts"));
  try {
    return await store.getJson<SearchResult>(hash);
  } finally {
    await store.close();
  }
}

describe("search in a run", () => {
  it("validates every candidate on the training split, refits the best, and re-trains only a new candidate", {
    timeout: 180_000,
  }, async () => {
    const dir = copyExample("iris");
    edit(
      dir,
      "iris.mlops",
      IRIS_TRAINER,
      "trainer  = softmax_regression { epochs = 300, l2 = [0.0001, 0.05, 5] }\n  search   = { metric = log_loss, folds = 4 }",
    );
    const first = await runJson(["run", dir]);
    expect(first.result.steps.find((s) => s.status === "failed")?.error).toBeUndefined();
    expect(first.code).toBe(0);
    const step = first.result.steps.find((s) => s.stepId === "search.species_clf")!;
    expect(step.metrics).toMatchObject({ candidates: 3, trained: 3 });
    const result = await searchResult(dir, step.outputs["search.species_clf/result"]!);
    expect(result.candidates.map((c) => c.label)).toEqual([
      "softmax_regression l2=0.0001",
      "softmax_regression l2=0.05",
      "softmax_regression l2=5",
    ]);
    // 4 folds of the 105 training rows (30% of 150 is the test split, never read): each row validates once
    expect(result.foldSizes.map((f) => f.validate).reduce((a, b) => a + b, 0)).toBe(105);
    expect(result.foldSizes.every((f) => f.train + f.validate === 105)).toBe(true);
    const scores = result.candidates.map((c) => c.score!);
    expect(result.best).toBe(scores.indexOf(Math.min(...scores)));
    expect(result.candidates[2]!.score).toBeGreaterThan(result.candidates[0]!.score!); // l2 = 5 underfits
    for (const c of result.candidates) expect(c.folds).toHaveLength(4);
    const train = first.result.steps.find((s) => s.stepId === "train.species_clf")!;
    expect(statuses(first.result)["gate.ok"]).toBe("succeeded");
    expect(train.status).toBe("succeeded");
    const shown = JSON.parse((await mlops(["runs", "show", first.result.runId, "--json", "--project", dir])).stdout) as RunDetails;
    const recorded = shown.details.find((d) => d.stepId === "search.species_clf" && d.name === "search")!.value as SearchResult;
    expect(recorded.candidates.map((c) => c.score)).toEqual(scores);
    const winner = result.candidates[result.best]!;
    expect(shown.details.find((d) => d.stepId === "train.species_clf" && d.name === "hyperparameters")!.value).toMatchObject({
      l2: winner.trainer.l2,
    });
    const models = await mlops(["models", "show", "species_clf", "--project", dir]);
    expect(models.stdout).toContain(`l2=${winner.trainer.l2}`);
    expect(models.stdout).toContain("(best of 3 by log_loss)");

    edit(dir, "iris.mlops", "l2 = [0.0001, 0.05, 5]", "l2 = [0.0001, 0.05, 5, 0.5]");
    const second = await runJson(["run", dir]);
    expect(second.code).toBe(0);
    const again = second.result.steps.find((s) => s.stepId === "search.species_clf")!;
    expect(again.status).toBe("succeeded");
    expect(again.metrics).toMatchObject({ candidates: 4, trained: 1 });
    const grown = await searchResult(dir, again.outputs["search.species_clf/result"]!);
    expect(grown.candidates.map((c) => c.cached)).toEqual([true, true, true, false]);
    expect(grown.candidates.slice(0, 3).map((c) => c.score)).toEqual(scores);
    expect(statuses(second.result)["split.species_clf"]).toBe("cached");
  });

  it("a validation share scores one fold; a tie goes to the first declared", { timeout: 180_000 }, async () => {
    const dir = copyExample("iris");
    edit(
      dir,
      "iris.mlops",
      IRIS_TRAINER,
      "trainer  = [softmax_regression { l2 = [0.001, 0.001] }, softmax_regression { l2 = 0.001, epochs = 100 }]\n  search   = { metric = accuracy, validation = 20% }",
    );
    const { code, result: run } = await runJson(["run", dir]);
    expect(code).toBe(0);
    const step = run.steps.find((s) => s.stepId === "search.species_clf")!;
    const result = await searchResult(dir, step.outputs["search.species_clf/result"]!);
    expect(result.foldSizes).toEqual([{ train: 84, validate: 21 }]);
    expect(new Set(result.candidates.map((c) => c.score)).size).toBe(1);
    expect(result.best).toBe(0);
    expect(result.candidates.map((c) => c.cached)).toEqual([false, true, true]); // one key, trained once
  });
});

describe("pickBest", () => {
  it("takes the highest or lowest score, skips undefined ones, keeps the first of a tie", () => {
    const scores = [{ score: 0.8 }, { score: null }, { score: 0.9 }, { score: 0.9 }];
    expect(pickBest(scores, "higher")).toBe(2);
    expect(pickBest(scores, "lower")).toBe(0);
    expect(pickBest([{ score: null }], "higher")).toBe(-1);
  });
});

describe("folds", () => {
  it("k folds: every row validates exactly once, classes in proportion (stratified)", async () => {
    const dir = copyExample("iris");
    const { result } = await runJson(["run", dir, "--only", "split"]);
    const hash = result.steps.find((s) => s.stepId === "split.species_clf")!.outputs["split.species_clf/train"]!;
    const store = await FileArtifactStore.open(join(dir, ".mlops", "artifacts"));
    const train = decodeDataset(await store.get(hash), "train");
    await store.close();
    const folds = makeFolds(train, { kind: "folds", folds: 5 }, { seed: 3, stratifyBy: "species" });
    const seen = new Uint8Array(train.rowCount);
    const species = getColumn(train, "species");
    for (const fold of folds) {
      expect(fold.train.length + fold.validate.length).toBe(train.rowCount);
      for (const i of fold.validate) seen[i]!++;
      const counts = new Map<string, number>();
      for (const i of fold.validate) counts.set(String(cellValue(species, i)), (counts.get(String(cellValue(species, i))) ?? 0) + 1);
      for (const n of counts.values()) expect(n).toBeGreaterThanOrEqual(6); // 35 of each class over 5 folds: 7 ± 1
    }
    expect([...seen].every((n) => n === 1)).toBe(true);
    const again = makeFolds(train, { kind: "folds", folds: 5 }, { seed: 3, stratifyBy: "species" });
    expect(again.map((f) => [...f.validate])).toEqual(folds.map((f) => [...f.validate]));
    expect(() => makeFolds(train, { kind: "folds", folds: 200 }, { seed: 3 })).toThrow(/needs at least 200 training rows/);
  });
});

describe.skipIf(!pythonHas(["sklearn"], "search fold scores vs scikit-learn"))("fold scores against scikit-learn", () => {
  it("logistic regression AUC per fold matches sklearn's LogisticRegression(C = 1/(n·l2)) on the same folds", {
    timeout: 180_000,
  }, async () => {
    const dir = copyExample("fraud");
    edit(
      dir,
      "fraud.mlops",
      /trainer {2}= logistic_regression \{[^}]*\}/,
      "trainer  = logistic_regression { epochs = 500, tolerance = 0.0000001, l2 = [0.001, 0.1] }\n  search   = { metric = auc, folds = 3 }",
    );
    edit(dir, "fraud.mlops", "features = tx", "features = [transactions.amount, transactions.hour]");
    const { result: run } = await runJson(["run", dir, "--only", "search"]);
    const step = run.steps.find((s) => s.stepId === "search.fraud_clf")!;
    expect(step.status).toBe("succeeded");
    const result = await searchResult(dir, step.outputs["search.fraud_clf/result"]!);
    const splitHash = run.steps.find((s) => s.stepId === "split.fraud_clf")!.outputs["split.fraud_clf/train"]!;
    const store = await FileArtifactStore.open(join(dir, ".mlops", "artifacts"));
    const train = decodeDataset(await store.get(splitHash), "train");
    await store.close();
    const folds = makeFolds(train, { kind: "folds", folds: 3 }, { seed: 42, stratifyBy: "is_fraud" });
    const amount = getColumn(train, "amount");
    const hour = getColumn(train, "hour");
    const fraud = getColumn(train, "is_fraud");
    const rows = Array.from({ length: train.rowCount }, (_, i) => i);
    const foldOf = new Float64Array(train.rowCount);
    folds.forEach((f, k) => {
      for (const i of f.validate) foldOf[i] = k;
    });
    const reference = runPython(
      `from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
a, h, y, fold = args
X = np.column_stack([a, h])
out = []
for l2 in [0.001, 0.1]:
    aucs = []
    for k in range(3):
        tr, va = fold != k, fold == k
        clf = LogisticRegression(C=1.0 / (tr.sum() * l2), tol=1e-10, max_iter=10000).fit(X[tr], y[tr])
        aucs.append(roc_auc_score(y[va], clf.predict_proba(X[va])[:, 1]))
    out.append(aucs)
print(json.dumps(out))`,
      [
        rows.map((i) => Number(cellValue(amount, i))),
        rows.map((i) => Number(cellValue(hour, i))),
        rows.map((i) => (cellValue(fraud, i) ? 1 : 0)),
        foldOf,
      ],
    ) as number[][];
    result.candidates.forEach((c, index) => {
      c.folds.forEach((fold, k) => expect(fold.auc).toBeCloseTo(reference[index]![k]!, 3));
    });
  });
});
