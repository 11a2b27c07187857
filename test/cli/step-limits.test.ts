/**
 * A step's declared `timeout` and `retries` when the runtime runs it itself (`mlops run`, `mlops
 * run-step`), through the real CLI with an external trainer that sleeps or fails on purpose.
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot, runCli } from "../support/cli.js";
import { copyExample, type ExampleCopy } from "../support/example-copy.js";
import { workFiles } from "../support/work-files.js";

const TRAINER = join(repoRoot, "test/cli/fixtures/external-trainer.mjs");
const STEP = "train.species_clf";
const copies: ExampleCopy[] = [];
afterAll(() => {
  for (const copy of copies) copy.remove();
});

/** iris whose model trains with the fixture trainer (`flags`) and declares `settings` (timeout, retries...). */
function iris(flags: (dir: string) => string[], settings: string): ExampleCopy {
  const copy = copyExample("iris");
  copies.push(copy);
  const command = [process.execPath, TRAINER, ...flags(copy.dir)].map((a) => JSON.stringify(a)).join(", ");
  copy.edit(
    "iris.mlops",
    /trainer {2}= \w+ \{[^}]*\}/,
    `trainer  = external { command = [${command}], output = "build/model.onnx" }\n${settings}`,
  );
  return copy;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function starts(dir: string): number {
  const file = join(dir, "attempts.txt");
  return existsSync(file) ? readFileSync(file, "utf8").trim().split("\n").length : 0;
}

function runJson(
  dir: string,
  runId: string,
): {
  steps: Array<{ stepId: string; status: string; error: string | null }>;
  details: Array<{ stepId: string; name: string; value: unknown }>;
} {
  const shown = runCli(["runs", "show", runId, "--project", dir, "--json"]);
  expect(shown.status, shown.stderr).toBe(0);
  return JSON.parse(shown.stdout);
}

const runIdOf = (stdout: string): string => /^run (\S+):/m.exec(stdout)![1]!;

describe("a step over its timeout", () => {
  const copy = iris(
    (dir) => ["--sleep", "120000", "--pid-file", join(dir, "trainer.pid"), "--attempts-file", join(dir, "attempts.txt")],
    "  timeout = 8s\n  retries = 1\n  retry_delay = 0s",
  );

  it("is stopped with an error naming the step and the limit, retried as declared, and leaves no process or files behind", () => {
    const r = runCli(["run", copy.dir, "--only", "train"], { timeout: 240_000 });
    expect(r.status, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain(`${STEP}: attempt 1 of 2 failed: ${STEP} ran longer than its timeout of 8s and was stopped; retrying in 0s`);
    expect(r.stdout).toContain(`${STEP} ran longer than its timeout of 8s and was stopped (attempt 2 of 2)`);
    expect(r.stdout).toMatch(new RegExp(`failed  ${STEP.replace(".", "\\.")}  \\([\\d.]+s, 2 attempts\\)`));
    expect(starts(copy.dir)).toBe(2);
    const pid = Number(readFileSync(join(copy.dir, "trainer.pid"), "utf8"));
    expect(isRunning(pid)).toBe(false);
    expect(workFiles(copy.dir)).toEqual([]);
    const run = runJson(copy.dir, runIdOf(r.stdout));
    expect(run.steps.find((s) => s.stepId === STEP)).toMatchObject({ status: "failed" });
    expect(run.steps.find((s) => s.stepId === STEP)!.error).toContain("ran longer than its timeout of 8s");
    const attempts = run.details.find((d) => d.stepId === STEP && d.name === "attempts")!.value as {
      count: number;
      failures: Array<{ attempt: number; timedOut: boolean }>;
    };
    expect(attempts.count).toBe(2);
    expect(attempts.failures.map((f) => [f.attempt, f.timedOut])).toEqual([
      [1, true],
      [2, true],
    ]);
  }, 300_000);

  it("loses nothing: the next run resumes from the steps that completed", () => {
    copy.edit("iris.mlops", '"--sleep", "120000", ', "");
    copy.edit("iris.mlops", "timeout = 8s", "timeout = 5m");
    const r = runCli(["run", copy.dir, "--only", "train"], { timeout: 240_000 });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/cached +ingest\.flowers/);
    expect(r.stdout).toMatch(/cached +split\.species_clf/);
    expect(r.stdout).toMatch(/done +train\.species_clf/);
  }, 300_000);

  it("mlops run-step stops it too; with an orchestrator's --run-id it gets one attempt (the orchestrator retries)", () => {
    copy.edit("iris.mlops", '"--pid-file"', '"--sleep", "120000", "--pid-file"');
    copy.edit("iris.mlops", "timeout = 5m", "timeout = 8s");
    const before = starts(copy.dir);
    const r = runCli(["run-step", "--plan", copy.dir, "--step", STEP, "--force", "--run-id", "manual__2024-01-01"], { timeout: 240_000 });
    expect(r.status, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain(`${STEP} ran longer than its timeout of 8s and was stopped`);
    expect(r.stdout).not.toContain("retrying");
    expect(starts(copy.dir)).toBe(before + 1);
    expect(isRunning(Number(readFileSync(join(copy.dir, "trainer.pid"), "utf8")))).toBe(false);
  }, 300_000);
});

describe("a step that fails", () => {
  it("is retried as its retries say, the attempts shown and recorded; --no-retry fails at once", () => {
    const copy = iris((dir) => ["--fail-first", "1", "--attempts-file", join(dir, "attempts.txt")], "  retries = 2\n  retry_delay = 1s");
    const once = runCli(["run", copy.dir, "--only", "train", "--no-retry"], { timeout: 240_000 });
    expect(once.status, once.stdout + once.stderr).toBe(1);
    expect(once.stdout).not.toContain("retrying");
    expect(once.stdout).toMatch(/failed +train\.species_clf +\([\d.]+m?s\)/);
    rmSync(join(copy.dir, "attempts.txt"));
    const train = runCli(["run", copy.dir, "--only", "train"], { timeout: 240_000 });
    expect(train.status, train.stdout + train.stderr).toBe(0);
    expect(train.stdout).toMatch(/train\.species_clf: attempt 1 of 3 failed: `.*` exited with 3:; retrying in 1s/);
    expect(train.stdout).toMatch(/done +train\.species_clf +\([\d.]+s, 2 attempts\)/);
    expect(starts(copy.dir)).toBe(2);
    const shown = runCli(["runs", "show", runIdOf(train.stdout), "--project", copy.dir]);
    expect(shown.stdout).toMatch(/train\.species_clf +succeeded \(2 attempts\)/);
    const run = runJson(copy.dir, runIdOf(train.stdout));
    expect(run.details.find((d) => d.stepId === STEP && d.name === "attempts")!.value).toMatchObject({
      count: 2,
      failures: [{ attempt: 1, timedOut: false }],
    });
  }, 300_000);

  it("is not retried when the failure is its verdict on its input (the same input gives the same verdict)", () => {
    const copy = copyExample("iris");
    copies.push(copy);
    copy.edit("iris.mlops", 'tags  = ["demo", "multiclass"]', 'tags  = ["demo", "multiclass"]\n  retries = 3\n  retry_delay = 10m');
    copy.edit("iris.mlops", "require accuracy >= 90%", "require accuracy > 100%");
    const r = runCli(["run", copy.dir], { timeout: 240_000 });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/failed +gate\.ok/);
    expect(r.stdout).not.toContain("retrying");
  }, 300_000);
});

describe("an in-process step over its timeout", () => {
  it("stops too (a built-in trainer at its next epoch), and leaves no cache entry behind", () => {
    const copy = copyExample("iris");
    copies.push(copy);
    copy.edit(
      "iris.mlops",
      "trainer  = softmax_regression { epochs = 300 }",
      "trainer  = softmax_regression { epochs = 300 }\n  timeout  = 1ms\n  retries  = 0",
    );
    const r = runCli(["run", copy.dir, "--only", "train"], { timeout: 240_000 });
    expect(r.status, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain(`${STEP} ran longer than its timeout of 1ms and was stopped`);
    // the timeout is not part of the cache key: had the stopped attempt left a cache entry, this run would find it
    copy.edit("iris.mlops", "timeout  = 1ms", "timeout  = 5m");
    const again = runCli(["run", copy.dir, "--only", "train"], { timeout: 240_000 });
    expect(again.status, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toMatch(/cached +fit_features\.species_clf/);
    expect(again.stdout).toMatch(/done +train\.species_clf/);
  }, 300_000);
});
