/** The step cache: a second run re-executes nothing cacheable; a change re-runs exactly what depends on it. */
import { appendFileSync, existsSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { copyExample, edit, mlops, removeProjects } from "./support/projects.js";
import { runJson, statuses } from "./support/run-json.js";

afterAll(removeProjects);

const DATA_STEPS = ["ingest.flowers", "validate.flowers", "split.species_clf", "fit_features.species_clf"];
const MODEL_STEPS = ["train.species_clf", "evaluate.species_clf"];

describe("step cache", () => {
  it("second run: every cacheable step is cached and the text output says so", async () => {
    const dir = copyExample("iris");
    expect((await runJson(["run", dir])).code).toBe(0);
    const second = await mlops(["run", dir]);
    expect(second.code).toBe(0);
    for (const id of [...DATA_STEPS, ...MODEL_STEPS, "gate.ok"])
      expect(second.stdout).toMatch(new RegExp(`^cached\\s+${id.replace(".", "\\.")}`, "m"));
    // register and deploy read registry state: they always run, and find the version already there
    expect(second.stdout).toMatch(/register\.species_clf\s+succeeded\s+\S+\s+already v1/);
  });

  it("changing one trainer param re-runs only train and what follows", async () => {
    const dir = copyExample("iris");
    await runJson(["run", dir]);
    edit(dir, "iris.mlops", "epochs = 300 }", "epochs = 300, l2 = 0.01 }");
    const { code, result } = await runJson(["run", dir]);
    expect(code).toBe(0);
    const s = statuses(result);
    for (const id of DATA_STEPS) expect(s[id]).toBe("cached");
    for (const id of [...MODEL_STEPS, "gate.ok", "register.species_clf"]) expect(s[id]).toBe("succeeded");
    expect(result.steps.find((x) => x.stepId === "register.species_clf")!.metrics.version).toBe(2);
  });

  it("changing the data file re-runs from ingest; --force re-runs everything", async () => {
    const dir = copyExample("iris");
    await runJson(["run", dir]);
    appendFileSync(join(dir, "data/iris.csv"), "5.0,3.4,1.5,0.2,setosa\n");
    const changed = await runJson(["run", dir]);
    expect(Object.values(statuses(changed.result)).filter((s) => s === "cached")).toEqual([]);
    expect(changed.result.steps.find((x) => x.stepId === "ingest.flowers")!.metrics.rows).toBe(151);
    const forced = await runJson(["run", dir, "--force"]);
    expect(Object.values(statuses(forced.result))).toEqual(Object.values(statuses(forced.result)).map(() => "succeeded"));
  });

  it("data files are hashed once while their stat holds; a same-size rewrite with the old mtime is still seen", async () => {
    const dir = copyExample("iris");
    const data = join(dir, "data/iris.csv");
    const cacheFile = join(dir, ".mlops/cache/file-hashes.json");
    const past = new Date(Date.now() - 60_000);
    utimesSync(data, past, past);
    expect((await runJson(["run", dir])).code).toBe(0);
    const remembered = JSON.parse(readFileSync(cacheFile, "utf8")) as Record<string, { sha256: string }>;
    expect(Object.keys(remembered)).toEqual([data]);
    expect(statuses((await runJson(["run", dir])).result)["ingest.flowers"]).toBe("cached");
    // same size, same mtime, different bytes: the change time and inode-level stat still differ
    const text = readFileSync(data, "utf8");
    writeFileSync(data, text.replace("5.1,3.5,1.4", "5.2,3.5,1.4"));
    utimesSync(data, past, past);
    const changed = await runJson(["run", dir]);
    expect(statuses(changed.result)["ingest.flowers"]).toBe("succeeded");
    // a corrupt cache costs a re-hash, nothing else
    writeFileSync(cacheFile, "{not json");
    expect(statuses((await runJson(["run", dir])).result)["ingest.flowers"]).toBe("cached");
    expect(existsSync(cacheFile)).toBe(true);
  });

  it("--only runs a step and what it needs; run-step runs one step from stored inputs", async () => {
    const dir = copyExample("iris");
    const only = await runJson(["run", dir, "--only", "split"]);
    expect(Object.keys(statuses(only.result))).toEqual(["ingest.flowers", "validate.flowers", "split.species_clf"]);
    const missing = await runJson(["run-step", "--plan", dir, "--step", "train.species_clf"]);
    expect(missing.code).toBe(1);
    expect(missing.result.steps[0]!.error).toContain(
      "fit_features.species_clf/transforms is not in the artifact store for this plan and data; run `fit_features.species_clf` first",
    );
    const fit = await runJson(["run-step", "--plan", dir, "--step", "fit_features.species_clf"]);
    expect(statuses(fit.result)).toEqual({ "fit_features.species_clf": "succeeded" });
    const again = await runJson(["run-step", "--plan", dir, "--step", "fit_features.species_clf"]);
    expect(statuses(again.result)).toEqual({ "fit_features.species_clf": "cached" });
  });

  it("a built plan.json runs like the sources it came from", async () => {
    const dir = copyExample("iris");
    expect((await mlops(["build", dir, "-o", join(dir, "plan.json")])).code).toBe(0);
    const fromPlan = await runJson(["run", join(dir, "plan.json")]);
    expect(fromPlan.code).toBe(0);
    const fromSources = await runJson(["run", dir]);
    expect(statuses(fromSources.result)["train.species_clf"]).toBe("cached");
  });
});
