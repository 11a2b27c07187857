/** What a run does when something is wrong: bad rows, failed expectations and gates, tampered artifacts. */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { copyExample, edit, mlops, removeProjects } from "./support/projects.js";
import { runJson, statuses } from "./support/run-json.js";
import { withStores } from "./support/stores.js";

afterAll(removeProjects);

function versions(dir: string, model: string): Promise<number> {
  return withStores(dir, async ({ metadata }) => (await metadata.registry.listModels()).find((m) => m.name === model)?.versions ?? 0);
}

describe("failures", () => {
  it("bad CSV rows are reported with row numbers, the column and the value", async () => {
    const dir = copyExample("iris");
    appendFileSync(join(dir, "data/iris.csv"), "5.0,abc,1.5,0.2,setosa\n6.1,2.8,4.7,1.2,tulip\n");
    const { code, stdout } = await mlops(["run", dir]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/failed\s+ingest\.flowers/);
    expect(stdout).toContain("2 bad rows");
    expect(stdout).toMatch(/row 151 \(line 152\), column sepal_width: "abc"/);
    expect(stdout).toMatch(/row 152 \(line 153\), column species: "tulip"/);
    expect(stdout).toMatch(/skipped\s+train\.species_clf/);
    expect(readFileSync(join(dir, ".mlops/reports/ingest.flowers/bad-rows.txt"), "utf8")).toContain("tulip");
  });

  it("a failed expectation fails validate with the data report's path", async () => {
    const dir = copyExample("iris");
    edit(dir, "iris.mlops", "row_count >= 100", "row_count >= 1000");
    const { code, result } = await runJson(["run", dir]);
    expect(code).toBe(1);
    const validate = result.steps.find((s) => s.stepId === "validate.flowers")!;
    expect(validate.status).toBe("failed");
    expect(validate.error).toMatch(/FAIL row_count >= 1000 \(row_count(\(\))? = 150\)/);
    expect(validate.reports).toContain(join(".mlops", "reports", "validate.flowers", "data-report.txt"));
  });

  it("a failed gate blocks registration, writes its verdict and ends the run non-zero", async () => {
    const dir = copyExample("iris");
    edit(dir, "iris.mlops", "require accuracy >= 90%", "require accuracy >= 99.9%");
    const { code, result } = await runJson(["run", dir]);
    expect(code).toBe(1);
    expect(statuses(result)).toMatchObject({ "gate.ok": "failed", "register.species_clf": "skipped", "deploy.species_scores": "skipped" });
    const verdict = JSON.parse(readFileSync(join(dir, ".mlops/reports/gate.ok/verdict.json"), "utf8")) as {
      passed: boolean;
      rules: Array<{ passed: boolean; threshold: number; value: number; reason: string }>;
    };
    expect(verdict.passed).toBe(false);
    expect(verdict.rules[0]).toMatchObject({ passed: false, threshold: 0.999 });
    expect(verdict.rules[0]!.reason).toMatch(/^accuracy = [\d.]+, required >= 0\.999$/);
    expect(verdict.rules[1]!.passed).toBe(true);
    expect(result.steps.find((s) => s.stepId === "gate.ok")!.error).toContain("species_clf is not registered");
    expect(await versions(dir, "species_clf")).toBe(0);
  });

  it("a failure stops its dependents but not an independent branch", async () => {
    const dir = copyExample("iris");
    appendFileSync(
      join(dir, "iris.mlops"),
      `\nmodel sepal_only {\n  task = multiclass_classification\n  features = [flowers.sepal_length]\n  target = flowers.species\n  trainer = softmax_regression { epochs = 50 }\n}\n\ngate strict {\n  model = sepal_only\n  require accuracy >= 99%\n}\n`,
    );
    const { code, result } = await runJson(["run", dir]);
    expect(code).toBe(1);
    expect(statuses(result)).toMatchObject({
      "gate.strict": "failed",
      "register.sepal_only": "skipped",
      "register.species_clf": "succeeded",
      "deploy.species_scores": "succeeded",
    });
  });

  it("a tampered artifact is detected and named; --force rebuilds it", async () => {
    const dir = copyExample("iris");
    const first = await runJson(["run", dir]);
    const hash = first.result.steps.find((s) => s.stepId === "train.species_clf")!.outputs["train.species_clf/model"]!;
    const path = join(dir, ".mlops", "artifacts", hash.slice(0, 2), hash);
    expect(existsSync(path)).toBe(true);
    writeFileSync(path, "not the model");
    const { code, result } = await runJson(["run", dir]);
    expect(code).toBe(1);
    const train = result.steps.find((s) => s.stepId === "train.species_clf")!;
    expect(train.status).toBe("failed");
    expect(train.error).toContain(`train.species_clf/model: artifact ${hash} is corrupt: ${path}`);
    expect(statuses(result)["register.species_clf"]).toBe("skipped");
    const forced = await runJson(["run", dir, "--only", "train", "--force"]);
    expect(forced.code).toBe(0);
    expect(statuses(forced.result)).toEqual({
      "ingest.flowers": "cached",
      "validate.flowers": "cached",
      "split.species_clf": "cached",
      "fit_features.species_clf": "cached",
      "train.species_clf": "succeeded",
    });
    expect(readFileSync(path).length).toBeGreaterThan(100);
    expect((await runJson(["run", dir])).code).toBe(0);
  });
});

describe("champion", () => {
  it("the second model is compared with the production version and blocked when worse", async () => {
    const dir = copyExample("fraud");
    expect((await runJson(["run", dir])).code).toBe(0);
    const same = await runJson(["run", dir]);
    expect(same.code).toBe(0);
    const verdict = () =>
      JSON.parse(readFileSync(join(dir, ".mlops/reports/gate.release/verdict.json"), "utf8")) as {
        champion: { version: number } | null;
        rules: Array<{ rule: string; passed: boolean; reason: string; threshold: number | null }>;
      };
    const championRule = () => verdict().rules.find((r) => r.rule.includes("champion"))!;
    expect(verdict().champion?.version).toBe(1);
    expect(championRule().reason).toMatch(/\(champion v1\)$/);
    // a much weaker model: only the hour of day as input
    edit(dir, "fraud.mlops", /features = tx\n/, "features = [transactions.hour]\n");
    edit(dir, "fraud.mlops", "require auc >= params.min_auc\n", "");
    edit(dir, "fraud.mlops", "require recall >= 70%\n", "");
    edit(dir, "fraud.mlops", "require demographic_parity_difference(by = country) <= 0.1\n", "");
    const worse = await runJson(["run", dir]);
    expect(worse.code).toBe(1);
    expect(statuses(worse.result)).toMatchObject({ "gate.release": "failed", "register.fraud_clf": "skipped" });
    expect(championRule().passed).toBe(false);
    expect(championRule().reason).toMatch(/^auc = [\d.]+, required >= [\d.]+ \(champion v1\)$/);
    expect(await versions(dir, "fraud_clf")).toBe(1);
  });
});
