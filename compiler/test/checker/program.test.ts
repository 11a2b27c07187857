import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { MemoryHost } from "../../src/host/memory-host.js";
import { createProgram } from "../../src/program/program.js";
import { printPlanExpr } from "../../src/plan/expr.js";

const fixture = (name: string): string => readFileSync(fileURLToPath(new URL(`fixtures/${name}`, import.meta.url)), "utf8");
const stdlib = (name: string): string => readFileSync(fileURLToPath(new URL(`../../../stdlib/std/${name}.mlops`, import.meta.url)), "utf8");

function project(env?: string) {
  const host = new MemoryHost(
    { "/p/main.mlops": fixture("project/main.mlops"), "/p/data.mlops": fixture("project/data.mlops") },
    { targets: stdlib("targets"), gates: stdlib("gates"), monitors: stdlib("monitors") },
  );
  return { host, program: createProgram({ host, rootFiles: ["/p/main.mlops"], ...(env ? { env } : {}) }) };
}

describe("program", () => {
  it("loads imports relative to the importing file and from the stdlib", () => {
    const { program } = project();
    expect(program.files().map((f) => f.path)).toEqual(["/p/main.mlops", "/p/data.mlops", "/std/targets.mlops"]);
    expect(program.diagnostics()).toEqual([]);
  });

  it("resolves the semantic model the plan emitter needs", () => {
    const model = project("prod").program.model();
    expect(model.params.replicas?.value).toBe(5);
    expect(model.params.memory?.value).toBe(2 * 1024 ** 3);
    expect(model.envs).toEqual({ prod: { replicas: 5, memory: 2 * 1024 ** 3 } });
    expect(model.pipeline?.owner).toBe("pricing@example.com");

    const sales = model.sources.sales!;
    expect(sales.format).toBe("parquet");
    expect(sales.resolvedPath).toBe("/p/data/sales.parquet");
    expect(sales.columns.find((c) => c.name === "year_built")).toEqual({
      name: "year_built",
      type: { kind: "int", nullable: true },
      unique: false,
    });

    const house = model.featureSets.house!;
    expect(house.features.map((f) => [f.name, f.type.kind])).toEqual([
      ["sqft_log", "float"],
      ["age", "int"],
      ["zip", "vector"],
      ["kind_oh", "vector"],
      ["big", "bool"],
    ]);
    expect(house.features.find((f) => f.name === "big")).toMatchObject({ columns: ["sqft"], features: ["sqft_log"], stateful: false });
    expect(house.features.find((f) => f.name === "age")?.stateful).toBe(true);

    const price = model.models.price!;
    expect(price.task).toBe("regression");
    expect(price.inputWidth).toBe(1 + 1 + 64 + 3 + 1);
    expect(price.layout.find((l) => l.feature === "kind_oh")).toEqual({
      feature: "kind_oh",
      offset: 66,
      width: 3,
      labels: ["kind_oh=house", "kind_oh=flat", "kind_oh=studio"],
    });
    expect(price.split).toEqual({ test: 0.25, seed: 7, stratify: false });
    expect(price.trainer).toEqual({
      kind: "linear_regression",
      epochs: 100,
      learningRate: 0.1,
      l2: 0.5,
      batchSize: 0,
      tolerance: 0.000001,
    });

    const api = model.deployments.api!;
    expect(api.extends).toEqual(["small_service"]);
    expect(api.target).toEqual({
      kind: "kubernetes",
      namespace: "pricing",
      image: "registry.example.com/rt:1",
      replicas: 5,
      cpuMillis: 250,
      memoryBytes: 2 * 1024 ** 3,
      autoscale: { min: 5, max: 5, targetCpu: 0.7 },
    });
    expect(api.endpoint).toEqual({ path: "/predict", port: 8080 });

    const quality = model.gates.quality!;
    expect(quality.rules.map((r) => [r.metric, r.comparison, r.thresholdValue, r.usesChampion, r.better])).toEqual([
      ["r2", ">=", 0.6, false, "higher"],
      ["rmse", "<=", undefined, true, "lower"],
    ]);

    const watch = model.monitors.watch!;
    expect(watch.model).toBe("price");
    expect(watch.windowMs).toBe(86_400_000);
    expect(watch.schedule).toEqual({ kind: "every", intervalMs: 21_600_000 });
    expect(watch.drift).toEqual([
      { target: "sqft", targetKind: "column", method: "psi", comparison: ">", threshold: 0.2, driftsWhen: "above" },
      { target: "zip", targetKind: "feature", method: "auto", comparison: ">=", threshold: 0.1, driftsWhen: "above" },
    ]);
    expect(watch.policies.map((p) => [p.text, p.action])).toEqual([["drift_share >= 30%", { kind: "retrain", model: "price" }]]);
  });

  it("evaluates constants and lowers expressions with names resolved", () => {
    const model = project().program.model();
    const age = model.featureSets.house!.features.find((f) => f.name === "age")!;
    expect(model.lowerExpr(age.expr, "house.age")).toEqual({
      nodes: [
        { op: "lit", value: 2026 },
        { op: "ref", scope: "column", name: "year_built" },
        { op: "lit", value: "median" },
        { op: "call", fn: "impute", args: [1, 2], state: "house.age#0" },
        { op: "binary", operator: "-", left: 0, right: 3 },
      ],
    });
    const big = model.featureSets.house!.features.find((f) => f.name === "big")!;
    expect(model.lowerExpr(big.expr).nodes[0]).toEqual({ op: "ref", scope: "feature", name: "sqft_log" });
    const rule = model.gates.quality!.rules[1]!;
    expect(model.lowerExpr(rule.threshold)).toEqual({
      nodes: [
        { op: "ref", scope: "champion", name: "rmse" },
        { op: "lit", value: 1.1 },
        { op: "binary", operator: "*", left: 0, right: 1 },
      ],
    });
    const memoryField = model.deployments.api!.fields.target!.fields!.memory!;
    expect(model.evaluateConstant(memoryField.expr, memoryField.type)).toBe(512 * 1024 ** 2);
  });

  it("re-checks incrementally: an edit in one file changes only what depends on it", () => {
    const { program } = project();
    expect(program.diagnostics()).toEqual([]);
    const data = program.file("/p/data.mlops")!;
    const mainResults = new Map(
      program
        .results()
        .filter((r) => r.symbol.file.path === "/p/main.mlops")
        .map((r) => [r.symbol.name, r]),
    );
    program.updateFile(
      "/p/data.mlops",
      data.text.replace('kind:       enum("house", "flat", "studio")', 'kind:       enum("house", "flat")'),
    );
    expect(program.diagnostics()).toEqual([]);
    const after = new Map(
      program
        .results()
        .filter((r) => r.symbol.file.path === "/p/main.mlops")
        .map((r) => [r.symbol.name, r]),
    );
    expect(after.get("price")).not.toBe(mainResults.get("price"));
    expect(after.get("replicas")).toBe(mainResults.get("replicas"));
    expect(program.model().models.price!.inputWidth).toBe(1 + 1 + 64 + 2 + 1);

    program.updateFile("/p/main.mlops", program.file("/p/main.mlops")!.text.replace("features = house", "features = hous"));
    expect(program.diagnostics().map((d) => [d.code, d.message, d.hints])).toEqual([
      ["unknown-reference", "no feature set is named `hous` (the model's features)", ["did you mean `house`?"]],
    ]);
  });

  it("reports import cycles once and loads each file once", () => {
    const host = new MemoryHost({
      "/c/main.mlops": 'import "./a.mlops"\npipeline p { owner = "x" }\n',
      "/c/a.mlops": 'import "./b.mlops"\n',
      "/c/b.mlops": 'import "./a.mlops"\n',
    });
    const program = createProgram({ host, rootFiles: ["/c/main.mlops"] });
    expect(program.files().map((f) => f.path)).toEqual(["/c/main.mlops", "/c/a.mlops", "/c/b.mlops"]);
    expect(program.diagnostics().map((d) => [d.code, d.file, d.range.start.line])).toEqual([["cyclic-reference", "/c/b.mlops", 0]]);
  });

  it("re-resolves imports when the imported file is created or deleted (refreshFile), as a fresh program does", () => {
    const { host, program } = project();
    const data = host.readFile("/p/data.mlops")!;
    const fresh = () => createProgram({ host, rootFiles: ["/p/main.mlops"] }).diagnostics();
    const codes = () => program.diagnostics().map((d) => d.code);

    host.deleteFile("/p/data.mlops");
    program.refreshFile("/p/data.mlops");
    expect(codes()).toContain("unknown-import");
    expect(program.files().map((f) => f.path)).not.toContain("/p/data.mlops");
    expect(program.diagnostics()).toEqual(fresh());

    host.setFile("/p/data.mlops", data);
    program.refreshFile("/p/data.mlops");
    expect(program.files().map((f) => f.path)).toContain("/p/data.mlops");
    expect(program.diagnostics()).toEqual([]);

    // created again with other text: that text, not a remembered one
    host.deleteFile("/p/data.mlops");
    program.refreshFile("/p/data.mlops");
    host.setFile("/p/data.mlops", `${data}\nparam unused_here: int = 1\n`);
    program.refreshFile("/p/data.mlops");
    expect(program.diagnostics()).toEqual(fresh());
    expect(codes()).toEqual(["unused-declaration"]);
  });

  it("does not load a refreshed file that nothing imports", () => {
    const { host, program } = project();
    program.diagnostics();
    host.setFile("/p/other.mlops", "param x: int = 1\n");
    program.refreshFile("/p/other.mlops");
    expect(program.files().map((f) => f.path)).not.toContain("/p/other.mlops");
    expect(program.diagnostics()).toEqual([]);
  });

  it("reports missing-pipeline at line 1 of the first root file", () => {
    const host = new MemoryHost({ "/m/a.mlops": "\n\nparam x: int = 1\n" });
    const diagnostics = createProgram({ host, rootFiles: ["/m/a.mlops"] }).diagnostics();
    expect(diagnostics.map((d) => [d.code, d.range.start.line, d.severity])).toEqual([
      ["missing-pipeline", 0, "error"],
      ["unused-declaration", 2, "warning"],
    ]);
  });

  it("offers quick fixes: did-you-mean replacements and missing fields", () => {
    const host = new MemoryHost({
      "/f/a.mlops":
        'pipeline p { owner = "x" }\nsource s {\n  format = csv\n  path = "d.csv"\n  schema { amount: float\n    y: bool }\n}\nfeatures f from s {\n  a = log1p(amont)\n}\nmodel m {\n  task = binary_classification\n  features = f\n  trainer = logistic_regression {}\n}\n',
    });
    const diagnostics = createProgram({ host, rootFiles: ["/f/a.mlops"] }).diagnostics();
    const unknown = diagnostics.find((d) => d.code === "unknown-reference")!;
    expect(unknown.fixes).toEqual([
      {
        title: "Change to `amount`",
        edits: [{ file: "/f/a.mlops", range: { start: { line: 8, character: 12 }, end: { line: 8, character: 17 } }, newText: "amount" }],
      },
    ]);
    const missing = diagnostics.find((d) => d.code === "missing-field")!;
    expect(missing.message).toBe("model `m` is missing the required field `target` (source.column)");
    // a target column depends on the program: no `target = ` with nothing after it (the editor proposes and checks one)
    expect(missing.fixes).toEqual([]);
  });
});

describe("env selection", () => {
  it("reports an --env that names no env, with a suggestion", () => {
    const host = new MemoryHost({
      "/e/a.mlops": 'pipeline p { owner = "x" }\nparam r: int = 1\nenv prod { r = 2 }\nenv staging { r = 3 }\n',
    });
    const program = createProgram({ host, rootFiles: ["/e/a.mlops"], env: "prd" });
    const errors = program.diagnostics().filter((d) => d.severity === "error");
    expect(errors.map((d) => [d.code, d.message, d.hints])).toEqual([
      ["unknown-reference", "no env is named `prd` (selected with --env)", ["did you mean `prod`?", "envs: prod, staging"]],
    ]);
    program.setEnv("staging");
    expect(program.diagnostics().filter((d) => d.severity === "error")).toEqual([]);
    expect(program.model().params.r?.value).toBe(3);
    expect(program.model("prod").params.r?.value).toBe(2);
  });

  it("lowers source expectations with aggregates as calls and ratios normalised", () => {
    const host = new MemoryHost({
      "/e/a.mlops":
        'pipeline p { owner = "x" }\nsource s {\n  format = csv\n  path = "d.csv"\n  schema { c: string? }\n  expect {\n    row_count >= 10\n    null_rate(c) <= 5%\n  }\n}\n',
    });
    const model = createProgram({ host, rootFiles: ["/e/a.mlops"] }).model();
    const [rows, nulls] = model.sources.s!.expectations;
    expect(model.lowerExpr(rows!.expr)).toEqual({
      nodes: [
        { op: "call", fn: "row_count", args: [] },
        { op: "lit", value: 10 },
        { op: "binary", operator: ">=", left: 0, right: 1 },
      ],
    });
    expect(model.lowerExpr(nulls!.expr)).toEqual({
      nodes: [
        { op: "ref", scope: "column", name: "c" },
        { op: "call", fn: "null_rate", args: [0] },
        { op: "lit", value: 0.05 },
        { op: "binary", operator: "<=", left: 1, right: 2 },
      ],
    });
    expect(nulls!.text).toBe("null_rate(c) <= 5%");
  });
});

describe("pretrained models", () => {
  it("reads the ONNX signature through the host and re-checks when the file changes", async () => {
    const { onnxRoot } = await import("../../src/checker/onnx-signature.js");
    const ModelProto = onnxRoot.lookupType("onnx.ModelProto");
    const onnx = (width: number): Uint8Array =>
      ModelProto.encode(
        ModelProto.fromObject({
          graph: {
            input: [{ name: "input", type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: "N" }, { dimValue: width }] } } } }],
            output: [
              { name: "probabilities", type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: "N" }, { dimValue: 2 }] } } } },
            ],
          },
        }),
      ).finish();
    const host = new MemoryHost({
      "/o/main.mlops":
        'pipeline p { owner = "x" }\nsource s {\n  format = csv\n  path = "d.csv"\n  schema { a: float\n    b: float\n    y: bool }\n}\nmodel m {\n  task = binary_classification\n  features = [s.a, s.b]\n  target = s.y\n  trainer = pretrained { path = "m.onnx" }\n}\n',
      "/o/m.onnx": onnx(3),
    });
    const program = createProgram({ host, rootFiles: ["/o/main.mlops"] });
    expect(program.diagnostics().map((d) => [d.code, d.message])).toEqual([
      [
        "signature-mismatch",
        "ONNX input `input` is tensor<float32, [?, 3]>, but the model's features make a vector of 2 (tensor<float32, [?, 2]>)",
      ],
    ]);
    host.setFile("/o/m.onnx", onnx(2));
    program.refreshFile("/o/m.onnx");
    expect(program.diagnostics()).toEqual([]);
    expect(program.model().models.m!.trainer).toEqual({
      kind: "pretrained",
      path: "m.onnx",
      signature: {
        inputs: [{ name: "input", elementType: "float32", shape: [null, 2] }],
        outputs: [{ name: "probabilities", elementType: "float32", shape: [null, 2] }],
      },
    });
  });
});

describe("monitor conditions", () => {
  it("lowers monitor signals as signals and model metrics as metrics", () => {
    const text = readFileSync(fileURLToPath(new URL("fixtures/fraud.mlops", import.meta.url)), "utf8").replace(
      "when error_rate > 1%      => rollback(fraud_api)",
      "when error_rate > 1% and auc < 0.7 => rollback(fraud_api)",
    );
    const model = createProgram({ host: new MemoryHost({ "/x/f.mlops": text }), rootFiles: ["/x/f.mlops"] }).model();
    const [share, latency, errors] = model.monitors.fraud_drift!.policies;
    expect(model.lowerExpr(share!.condition)).toEqual({
      nodes: [
        { op: "ref", scope: "signal", name: "drift_share" },
        { op: "lit", value: 0.3 },
        { op: "binary", operator: ">=", left: 0, right: 1 },
      ],
    });
    expect(model.lowerExpr(latency!.condition)).toEqual({
      nodes: [
        { op: "ref", scope: "signal", name: "latency_p99" },
        { op: "lit", value: 100 },
        { op: "binary", operator: ">", left: 0, right: 1 },
      ],
    });
    expect(printPlanExpr(model.lowerExpr(errors!.condition))).toBe("error_rate > 0.01 and auc < 0.7");
    expect(model.lowerExpr(errors!.condition).nodes).toContainEqual({ op: "ref", scope: "metric", name: "auc" });
  });
});
