/** `mlops models`, `mlops runs`, usage errors and the live view. */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Step } from "@mlops/compiler";
import { ttyReporter } from "../../src/cli/reporters.js";
import { copyExample, edit, mlops, removeProjects } from "./support/projects.js";
import { runJson } from "./support/run-json.js";

afterAll(removeProjects);

describe("mlops models and runs", () => {
  it("lists versions with aliases, promotes, rolls back, and keeps the audit trail", async () => {
    const dir = copyExample("iris");
    await runJson(["run", dir]);
    edit(dir, "iris.mlops", "epochs = 300 }", "epochs = 300, l2 = 0.01 }");
    await runJson(["run", dir]);
    const list = await mlops(["models", "list", "--project", dir]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/species_clf\s+2\s+v2\s+production=v2/);
    const rollback = await mlops(["models", "rollback", "species_clf", "--project", dir]);
    expect(rollback.stdout).toBe("species_clf production rolled back to v1 (was v2)\n");
    const promote = await mlops(["models", "promote", "species_clf", "2", "--alias", "staging", "--project", dir]);
    expect(promote.stdout).toBe("species_clf v2 is now staging\n");
    const show = await mlops(["models", "show", "species_clf", "--project", dir]);
    expect(show.stdout).toMatch(/^v1\s+production\s/m);
    expect(show.stdout).toMatch(/^v2\s+staging\s/m);
    for (const action of [
      "register v1",
      "promote v1 as production",
      "register v2",
      "promote v2 as production",
      "rollback v1 as production",
      "promote v2 as staging",
    ]) {
      expect(show.stdout).toContain(action);
    }
    const json = JSON.parse((await mlops(["models", "show", "species_clf", "--project", dir, "--json"])).stdout) as {
      versionList: Array<{ lineage: { data: Record<string, string> } }>;
    };
    expect(Object.keys(json.versionList[0]!.lineage.data)).toEqual(["flowers"]);
    const bad = await mlops(["models", "promote", "species_clf", "9", "--project", dir]);
    expect(bad).toMatchObject({ code: 1, stderr: "mlops models: model species_clf has no version 9\n" });
  });

  it("after `models rollback`, an unchanged run keeps the rolled-back version out of production and says so", async () => {
    const dir = copyExample("iris");
    await runJson(["run", dir]);
    edit(dir, "iris.mlops", "epochs = 300 }", "epochs = 300, l2 = 0.01 }");
    await runJson(["run", dir]);
    await mlops(["models", "rollback", "species_clf", "--reason", "bad answers", "--project", dir]);
    const plain = await mlops(["run", dir]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(
      /deploy\.species_scores: v2 was rolled back from production by \S+ at [\d-]+ [\d:]+ \(bad answers\); it stays out until a new version passes the gate/,
    );
    expect(plain.stdout).toContain("v2 held back (rolled back); production stays v1");
    expect((await mlops(["models", "list", "--project", dir])).stdout).toMatch(/species_clf\s+2\s+v2\s+production=v1/);
    // a new version that passes the gate is promoted as usual
    edit(dir, "iris.mlops", "l2 = 0.01", "l2 = 0.02");
    const next = await runJson(["run", dir]);
    expect(next.result.steps.find((s) => s.stepId === "deploy.species_scores")!.summary).toBe("v3 → production (was v1)");
  });

  it("promote and rollback verify the target version's artifacts first", async () => {
    const dir = copyExample("iris");
    await runJson(["run", dir]);
    edit(dir, "iris.mlops", "epochs = 300 }", "epochs = 300, l2 = 0.01 }");
    const second = await runJson(["run", dir]);
    const v2 = second.result.steps.find((s) => s.stepId === "train.species_clf")!.outputs["train.species_clf/model"]!;
    const list = JSON.parse((await mlops(["models", "show", "species_clf", "--project", dir, "--json"])).stdout) as {
      versionList: Array<{ artifactHash: string }>;
    };
    const v1 = list.versionList[0]!.artifactHash;
    const path = (hash: string) => join(dir, ".mlops", "artifacts", hash.slice(0, 2), hash);
    rmSync(path(v1));
    const rollback = await mlops(["models", "rollback", "species_clf", "--project", dir]);
    expect(rollback).toMatchObject({
      code: 1,
      stderr: `mlops models: cannot roll production back to species_clf v1: artifact ${v1} is missing: no file ${path(v1)}; the alias was not moved\n`,
    });
    await mlops(["models", "promote", "species_clf", "2", "--alias", "staging", "--project", dir]);
    writeFileSync(path(v2), "garbage");
    const promote = await mlops(["models", "promote", "species_clf", "2", "--alias", "canary", "--project", dir]);
    expect(promote.code).toBe(1);
    expect(promote.stderr).toContain(`mlops models: cannot promote species_clf v2: artifact ${v2} is corrupt`);
    expect((await mlops(["models", "list", "--project", dir])).stdout).toMatch(/production=v2, staging=v2\n/);
  });

  it("lists runs and shows one with its steps, cache hits and metrics", async () => {
    const dir = copyExample("iris");
    const first = await runJson(["run", dir]);
    await runJson(["run", dir]);
    const list = await mlops(["runs", "list", "--project", dir]);
    expect(list.stdout.trim().split("\n")).toHaveLength(4);
    const show = await mlops(["runs", "show", first.result.runId, "--project", dir]);
    expect(show.stdout).toContain(`run ${first.result.runId}: succeeded, iris_species`);
    expect(show.stdout).toMatch(/evaluate\.species_clf\s+succeeded\s+\d+ms\s+.*accuracy/);
    const second = JSON.parse((await mlops(["runs", "list", "--project", dir, "--json"])).stdout) as Array<{ id: string }>;
    const cached = await mlops(["runs", "show", second[0]!.id, "--project", dir]);
    expect(cached.stdout).toMatch(/train\.species_clf\s+cached/);
  });

  it("usage errors exit 2; a project without runs says so", async () => {
    expect((await mlops(["run-step", "--step", "x"])).code).toBe(2);
    expect((await mlops(["models", "frobnicate"])).code).toBe(2);
    const none = await mlops(["runs", "list", "--project", "/tmp"]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("no .mlops/metadata.db in /tmp");
    const dir = copyExample("iris");
    const badStep = await mlops(["run-step", "--plan", dir, "--step", "train.nope"]);
    expect(badStep.code).toBe(2);
    expect(badStep.stderr).toContain("no step train.nope in the plan");
    const badRunId = await mlops(["run-step", "--plan", dir, "--step", "train.species_clf", "--run-id", "a\u001b[2Jb"]);
    expect(badRunId).toMatchObject({ code: 2 });
    expect(badRunId.stderr).toContain("--run-id: a run id has no spaces or control characters");
  });
});

describe("store locations", () => {
  it("keeps artifacts and metadata where --artifact-store / --database or the environment say", async () => {
    const dir = copyExample("iris");
    const shared = mkdtempSync(join(tmpdir(), "mlops-shared-"));
    try {
      const flags = ["--artifact-store", `file://${shared}/artifacts`, "--database", `sqlite:${shared}/meta.db`];
      expect((await mlops(["run", dir, "--quiet", ...flags])).code).toBe(0);
      expect(existsSync(join(dir, ".mlops", "metadata.db"))).toBe(false);
      expect(existsSync(join(dir, ".mlops", "artifacts"))).toBe(false);
      expect(readdirSync(join(shared, "artifacts")).length).toBeGreaterThan(3);
      const env = { MLOPS_ARTIFACT_STORE: `file://${shared}/artifacts`, MLOPS_DATABASE_URL: `sqlite:${shared}/meta.db` };
      const list = await mlops(["models", "list"], dir, env);
      expect(list.stdout).toMatch(/species_clf\s+1\s+v1\s+production=v1/);
      const again = await runJson(["run", dir], env);
      expect(again.result.steps.every((s) => s.status === "cached" || s.kind === "deploy" || s.kind === "register")).toBe(true);
      const missing = await mlops(["runs", "list", "--database", `sqlite:${shared}/nope.db`], dir);
      expect(missing).toMatchObject({ code: 1, stderr: `no database file ${shared}/nope.db\n` });
      const bad = await mlops(["run", dir, "--database", "mysql://root:hunter2@db/x"]);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain("--database: mysql://root:***@db/x is not a database URL");
      expect(bad.stderr).not.toContain("hunter2");
      const unreachable = await mlops(["runs", "list", "--database", "postgresql://app:hunter2@127.0.0.1:1/mlops"], dir);
      expect(unreachable.code).toBe(1);
      expect(unreachable.stderr).toContain(
        "cannot open the metadata database postgresql://app:***@127.0.0.1:1/mlops: connect ECONNREFUSED",
      );
      expect(unreachable.stderr).not.toContain("hunter2");
    } finally {
      rmSync(shared, { recursive: true, force: true });
    }
  });
});

describe("live view", () => {
  it("draws running steps with a progress bar and redraws in place", () => {
    let out = "";
    const reporter = ttyReporter({ stdout: (t) => void (out += t), stderr: () => {} });
    const step = { id: "train.m", kind: "train" } as Step;
    reporter.stepStarted(step);
    reporter.stepProgress(step, { label: "epoch", done: 50, total: 100, detail: "loss 0.1" });
    reporter.stepNote(step, "hello");
    reporter.stepFinished(step, {
      stepId: "train.m",
      kind: "train",
      status: "succeeded",
      durationMs: 1200,
      metrics: {},
      summary: "done it",
      reports: [],
      outputs: {},
    });
    expect(out).toContain("epoch [");
    expect(out).toContain("50% loss 0.1");
    expect(out).toContain("\x1b[1A\x1b[0J");
    expect(out).toMatch(/done\s+train\.m\s+\(1\.2s\)\s+done it/);
  });
});
