/** `mlops run` with an external trainer (the real CLI): its interface, its output lines, what it leaves behind. */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot, runCli } from "../support/cli.js";
import { copyExample, type ExampleCopy } from "../support/example-copy.js";
import { workFiles } from "../support/work-files.js";

const TRAINER = join(repoRoot, "test/cli/fixtures/external-trainer.mjs");
const copies: ExampleCopy[] = [];
afterAll(() => {
  for (const copy of copies) copy.remove();
});

function withExternalTrainer(example: "fraud" | "iris", output: string, flags: string[] = []): ExampleCopy {
  const copy = copyExample(example);
  copies.push(copy);
  const command = [process.execPath, TRAINER, ...flags].map((a) => JSON.stringify(a)).join(", ");
  copy.edit(
    `${example}.mlops`,
    /trainer {2}= \w+ \{[^}]*\}/,
    `trainer  = external { command = [${command}], output = ${JSON.stringify(output)} }`,
  );
  return copy;
}

describe("external trainer", () => {
  it("trains through the documented environment; its lines are shown whole, without a listener warning, and its CSV copies are removed", () => {
    const { dir } = withExternalTrainer("fraud", "build/model.onnx");
    const r = runCli(["run", dir], { timeout: 240_000 });
    expect(r.stderr).not.toContain("MaxListenersExceededWarning");
    expect(r.stdout).toContain("train.fraud_clf: trainer: this line is written in two pieces\n");
    expect(r.stdout).toMatch(/train\.fraud_clf: trainer: 16000 rows, 39 features/);
    expect(r.status, r.stdout).toBe(0);
    expect(workFiles(dir)).toEqual([]);
  }, 300_000);

  it("a failing command deletes nothing at its output path and leaves no CSV copies", () => {
    const copy = withExternalTrainer("iris", "build/model.onnx", ["--fail"]);
    copy.edit(
      "iris.mlops",
      'output = "build/model.onnx" }',
      'output = "build/model.onnx" }\n  retries = 0 // a failing command is retried otherwise (test/cli/step-limits.test.ts)',
    );
    const { dir } = copy;
    mkdirSync(join(dir, "build"));
    writeFileSync(join(dir, "build/model.onnx"), "the user's own file");
    const r = runCli(["run", dir, "--only", "train"], { timeout: 240_000 });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("exited with 3:\n");
    expect(r.stdout).toContain("trainer: failing on purpose");
    expect(readFileSync(join(dir, "build/model.onnx"), "utf8")).toBe("the user's own file");
    expect(workFiles(dir)).toEqual([]);
  }, 300_000);

  it("a command that writes no new model does not get the file that was already there", () => {
    const { dir } = withExternalTrainer("iris", "build/model.onnx", ["--keep-output"]);
    mkdirSync(join(dir, "build"));
    writeFileSync(join(dir, "build/model.onnx"), "stale");
    const r = runCli(["run", dir, "--only", "train"], { timeout: 240_000 });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("succeeded but left build/model.onnx as it was before the step (write the model to MLOPS_OUTPUT)");
    expect(readFileSync(join(dir, "build/model.onnx"), "utf8")).toBe("stale");
  }, 300_000);

  it("an output outside the project is refused before the command runs, and the file there is untouched", () => {
    const { outer, dir } = withExternalTrainer("iris", "../x");
    writeFileSync(join(outer, "x"), "not the run's");
    const r = runCli(["run", dir, "--only", "train"], { timeout: 240_000 });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('model species_clf (external trainer) writes "../x": outside the project');
    expect(r.stdout).not.toContain("this line is written");
    expect(readFileSync(join(outer, "x"), "utf8")).toBe("not the run's");
  }, 300_000);
});
