/** What `mlops run`, `runs show`, `models promote` and `plan` tell the user (the real CLI, on a copy of iris). */
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { copyExample, type ExampleCopy } from "../support/example-copy.js";

const copies: ExampleCopy[] = [];
afterAll(() => {
  for (const copy of copies) copy.remove();
});

function iris(): ExampleCopy {
  const copy = copyExample("iris");
  copies.push(copy);
  return copy;
}

function run(dir: string, ...args: string[]) {
  return runCli(["run", dir, ...args], { timeout: 240_000 });
}

describe("mlops run output", () => {
  it("a failed gate leads with the failed rule, its value and its threshold", () => {
    const { dir, edit } = iris();
    edit("iris.mlops", "require accuracy >= 90%", "require accuracy >= 99.9%");
    edit("iris.mlops", "require macro_f1 >= 0.85", "require macro_f1 >= 0.999");
    const r = run(dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(
      /^ {8}gate ok: accuracy = 0\.\d+, required >= 0\.999 \(`require accuracy >= 99\.9%`\); 1 other rule failed too; species_clf is not registered$/m,
    );
    expect(r.stdout).toMatch(/^gate\.ok +failed +\S+ +gate ok: accuracy = /m);
  }, 300_000);

  it("counts in words: no `(s)` or `(ies)`", () => {
    const { dir } = iris();
    const r = run(dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/, 9 steps \(pipeline\)/);
    expect(r.stdout).toContain("2 expectations passed");
    expect(r.stdout).toContain("2 rules passed");
    expect(r.stdout).toContain("150 rows");
    const one = run(dir, "--only", "ingest.flowers");
    expect(one.stdout).toMatch(/, 1 step \(only\)/);
    const show = runCli(["models", "show", "species_clf", "--project", dir]);
    expect(show.stdout).toContain("1 version;");
    expect(`${r.stdout}${one.stdout}${show.stdout}`).not.toMatch(/\((s|es|ies)\)/);
  }, 300_000);
});

describe("mlops runs show", () => {
  it("lists every metric the gate used, the gate's first", () => {
    const { dir } = iris();
    appendFileSync(
      join(dir, "iris.mlops"),
      "\ngate thorough {\n  model = species_clf\n  require log_loss <= 1\n  require weighted_f1 >= 0.5\n  require macro_precision >= 0.5\n  require macro_recall >= 0.5\n  require latency_p99 <= 5s\n}\n",
    );
    const r = runCli(["run", dir, "--json"], { timeout: 240_000 });
    expect(r.status, r.stdout).toBe(0);
    const runId = (JSON.parse(r.stdout) as { runId: string }).runId;
    const show = runCli(["runs", "show", runId, "--project", dir]);
    const row = show.stdout.split("\n").find((line) => line.startsWith("evaluate.species_clf"))!;
    const listed = row
      .replace(/^evaluate\.species_clf\s+\S+\s+\S+\s+/, "")
      .split(", ")
      .map((m) => m.split(" ")[0]);
    const gated = ["accuracy", "macro_f1", "log_loss", "weighted_f1", "macro_precision", "macro_recall", "latency_p99"];
    expect(listed.slice(0, gated.length).sort()).toEqual([...gated].sort());
  }, 300_000);
});

describe("mlops models promote", () => {
  it("takes the version as the registry prints it (v2) or as a number (2)", () => {
    const { dir, edit } = iris();
    expect(run(dir).status).toBe(0);
    edit("iris.mlops", "epochs = 300 }", "epochs = 300, l2 = 0.01 }");
    expect(run(dir).status).toBe(0);
    const v1 = runCli(["models", "promote", "species_clf", "v1", "--project", dir]);
    expect(v1.stderr).toBe("");
    expect(v1.stdout).toBe("species_clf v1 is now production (was v2)\n");
    const two = runCli(["models", "promote", "species_clf", "2", "--alias", "staging", "--project", dir]);
    expect(two.stdout).toBe("species_clf v2 is now staging\n");
    const bad = runCli(["models", "promote", "species_clf", "version2", "--project", dir]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe('mlops models: models promote needs NAME and a VERSION (2 or v2), not "version2"\n');
  }, 300_000);
});

describe("mlops plan after mlops run", () => {
  it("compares with what is stored: right after a run every cacheable step is cached; new data re-runs what reads it", () => {
    const { dir } = iris();
    expect(run(dir).status).toBe(0);
    const after = runCli(["plan", dir]);
    expect(after.status).toBe(0);
    expect(after.stdout).toContain("compared with what is stored");
    for (const step of [
      "ingest.flowers",
      "validate.flowers",
      "split.species_clf",
      "fit_features.species_clf",
      "train.species_clf",
      "evaluate.species_clf",
    ])
      expect(after.stdout).toMatch(new RegExp(`  cached +${step.replace(".", "\\.")} `));
    expect(after.stdout).toMatch(/0 to run \(0 changed\), \d+ cached/);
    appendFileSync(join(dir, "data/iris.csv"), "5.0,3.4,1.5,0.2,setosa\n");
    const changed = runCli(["plan", dir]);
    expect(changed.stdout).toMatch(/~ re-run +ingest\.flowers /);
    expect(changed.stdout).toMatch(/~ re-run +train\.species_clf /);
  }, 300_000);
});

describe("two programs in one folder", () => {
  it("share one .mlops/: a run after the other program's run warns about it, once", () => {
    const { dir } = iris();
    const other = readFileSync(join(dir, "iris.mlops"), "utf8").replace("pipeline iris_species", "pipeline iris_other");
    writeFileSync(join(dir, "other.mlops"), other);
    const first = run(join(dir, "iris.mlops"));
    expect(first.status).toBe(0);
    expect(first.stderr).toBe("");
    const second = run(join(dir, "other.mlops"));
    expect(second.status).toBe(0);
    expect(second.stderr).toMatch(
      /^warning: .*\.mlops\/ also holds pipeline iris_species \(its last run: \S+\); programs in one folder share one model registry and run history\./,
    );
    expect(run(join(dir, "other.mlops")).stderr).toBe("");
  }, 300_000);
});
