/** `external` and `pretrained` trainers: the command's environment and the ONNX signature check. */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readGraphMetadata } from "../../src/scoring/scorer.js";
import { REPO, copyExample, edit, mlops, removeProjects } from "./support/projects.js";
import { runJson, statuses } from "./support/run-json.js";

afterAll(removeProjects);

const TSX = join(REPO, "node_modules/tsx/dist/esm/index.mjs");
const TRAINER = join(REPO, "runtime/test/executor/support/external-trainer.ts");
const BUILTIN = "trainer  = softmax_regression { epochs = 300 }";

function externalTrainer(dir: string, extra: string[] = []): void {
  const command = ["node", "--conditions=source", "--import", TSX, TRAINER, ...extra].map((a) => JSON.stringify(a)).join(", ");
  edit(dir, "iris.mlops", BUILTIN, `trainer  = external { command = [${command}], output = "build/model.onnx" }`);
  mkdirSync(join(dir, "build"), { recursive: true });
}

describe("external and pretrained trainers", () => {
  it("external: runs the command in the project root with the data files and takes its ONNX output", { timeout: 120_000 }, async () => {
    const dir = copyExample("iris");
    externalTrainer(dir);
    const { code, result } = await runJson(["run", dir]);
    expect(result.steps.find((s) => s.status === "failed")?.error).toBeUndefined();
    expect(code).toBe(0);
    expect(result.steps.find((s) => s.stepId === "evaluate.species_clf")!.metrics.accuracy).toBeGreaterThan(0.9);
  });

  it("external: a model whose input width does not fit the features is rejected", { timeout: 120_000 }, async () => {
    const dir = copyExample("iris");
    externalTrainer(dir, ["--wrong-width"]);
    const { code, result } = await runJson(["run", dir]);
    expect(code).toBe(1);
    const train = result.steps.find((s) => s.stepId === "train.species_clf")!;
    expect(train.error).toContain("build/model.onnx does not fit model species_clf");
    expect(train.error).toContain("takes 4 features, the plan's features give 5");
  });

  it("external: a failing command fails the step with its output", { timeout: 120_000 }, async () => {
    const dir = copyExample("iris");
    externalTrainer(dir, ["--fail"]);
    edit(dir, "iris.mlops", 'output = "build/model.onnx" }', 'output = "build/model.onnx" }\n  retries = 0'); // else retried 5 minutes later
    const { result } = await runJson(["run", dir]);
    const train = result.steps.find((s) => s.stepId === "train.species_clf")!;
    expect(train.error).toMatch(/exited with 3:\nexternal trainer: failing on purpose/);
  });

  it("external in its own image: prepare, the trainer elsewhere with only the exchange directory, collect", {
    timeout: 180_000,
  }, async () => {
    const dir = copyExample("iris");
    const command = ["node", "--conditions=source", "--import", TSX, TRAINER, "--anywhere"].map((a) => JSON.stringify(a)).join(", ");
    edit(
      dir,
      "iris.mlops",
      BUILTIN,
      `trainer  = external { command = [${command}], image = "registry.example.com/trainer:1.0", output = "build/model.onnx" }`,
    );
    const upstream = await runJson(["run", dir, "--only", "fit_features.species_clf"]);
    expect(upstream.code).toBe(0);
    const exchange = mkdtempSync(join(tmpdir(), "exchange-"));
    const plan = join(dir, "iris.mlops");
    const prepared = await mlops(["run-step", "--plan", plan, "--step", "train.species_clf", "--exchange", exchange, "--stage", "prepare"]);
    expect(prepared.code, prepared.stderr).toBe(0);
    expect(readdirSync(exchange).sort()).toEqual(["contract.json", "test.csv", "train.csv"]);
    // The trainer's container: its own working directory, the MLOPS_* contract, nothing of the project.
    const contract = JSON.parse(readFileSync(join(exchange, "contract.json"), "utf8")) as Record<string, string>;
    expect(contract.MLOPS_OUTPUT).toBe(join(exchange, "model.onnx"));
    const elsewhere = mkdtempSync(join(tmpdir(), "trainer-image-"));
    const [program, ...args] = JSON.parse(`[${command}]`) as string[];
    const trained = spawnSync(program!, args, { cwd: elsewhere, env: { PATH: process.env.PATH, ...contract }, encoding: "utf8" });
    expect(trained.status, trained.stderr).toBe(0);
    const collected = await runJson([
      "run-step",
      "--plan",
      plan,
      "--step",
      "train.species_clf",
      "--exchange",
      exchange,
      "--stage",
      "collect",
    ]);
    expect(statuses(collected.result)).toEqual({ "train.species_clf": "succeeded" });
    const evaluated = await runJson(["run-step", "--plan", plan, "--step", "evaluate.species_clf"]);
    expect(evaluated.result.steps[0]!.metrics.accuracy).toBeGreaterThan(0.9);
    const missing = mkdtempSync(join(tmpdir(), "exchange-"));
    const empty = await mlops([
      "run-step",
      "--plan",
      plan,
      "--step",
      "train.species_clf",
      "--exchange",
      missing,
      "--stage",
      "collect",
      "--force",
    ]);
    expect(empty.code).toBe(1);
    expect(empty.stdout + empty.stderr).toContain("wrote no model");
  });

  it("pretrained: a stored ONNX model is checked, put behind the features and evaluated", { timeout: 120_000 }, async () => {
    const first = copyExample("iris");
    externalTrainer(first);
    expect((await runJson(["run", first])).code).toBe(0);
    const dir = copyExample("iris");
    mkdirSync(join(dir, "models"));
    copyFileSync(join(first, "build/model.onnx"), join(dir, "models/iris.onnx"));
    edit(dir, "iris.mlops", BUILTIN, `trainer  = pretrained { path = "models/iris.onnx" }`);
    const { code, result } = await runJson(["run", dir]);
    expect(statuses(result)["train.species_clf"]).toBe("succeeded");
    expect(code).toBe(0);
    expect(result.steps.find((s) => s.stepId === "evaluate.species_clf")!.metrics.accuracy).toBeGreaterThan(0.9);
    const hash = result.steps.find((s) => s.stepId === "train.species_clf")!.outputs["train.species_clf/model"]!;
    const stored = readFileSync(join(dir, ".mlops/artifacts", hash.slice(0, 2), hash));
    expect(readGraphMetadata(stored)?.inputs.map((i) => i.column)).toEqual(["sepal_length", "sepal_width", "petal_length", "petal_width"]);
  });
});

describe("training data", () => {
  it("a single-class target is refused before anything is trained or registered", async () => {
    const dir = copyExample("fraud");
    const csv = join(dir, "data/transactions.csv");
    writeFileSync(csv, readFileSync(csv, "utf8").replace(/,true$/gm, ",false"));
    edit(dir, "fraud.mlops", /gate release \{[^}]*\}\n/, "");
    edit(dir, "fraud.mlops", "  gate     = release\n", "");
    const { code, result } = await runJson(["run", dir]);
    expect(code).toBe(1);
    const train = result.steps.find((s) => s.stepId === "train.fraud_clf")!;
    expect(train.status).toBe("failed");
    expect(train.error).toBe(
      "model fraud_clf: the training split's target is_fraud has a single class (false) in all 16000 rows; a classifier needs at least two classes (check the source data and the split)",
    );
    expect(statuses(result)["register.fraud_clf"]).toBe("skipped");
  });
});
