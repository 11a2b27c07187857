/** Plan expressions are flat and bounded: long chains build into small plans any JSON reader can load. */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  PlanExprBuilder,
  canonicalJson,
  createProgram,
  emitPlan,
  foldPlanExpr,
  MemoryHost,
  planExprProblem,
  printPlanExpr,
  serializePlan,
  validatePlan,
  type Plan,
} from "@mlops/compiler";
import { repoRoot } from "./compile-plan.js";

const iris = readFileSync(join(repoRoot, "examples/iris/iris.mlops"), "utf8");

/** The iris example with one more feature, compiled in memory. */
function irisWithFeature(definition: string): Plan {
  const text = iris.replace(
    "  ratio = petal_length / (petal_width + 0.1)\n",
    `  ratio = petal_length / (petal_width + 0.1)\n  ${definition}\n`,
  );
  const host = new MemoryHost({ "/p/iris.mlops": text });
  const program = createProgram({ host, rootFiles: ["/p/iris.mlops"] });
  expect(program.diagnostics().filter((d) => d.severity === "error")).toEqual([]);
  return emitPlan(program, { projectRoot: "/p", env: null });
}

/** How deeply the JSON text nests (brackets and braces outside strings). */
function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{" || c === "[") max = Math.max(max, ++depth);
    else if (c === "}" || c === "]") depth--;
  }
  return max;
}

describe("flat plan expressions", () => {
  const terms = Array.from({ length: 1000 }, (_, i) => `sepal_length > ${i}`);
  const plan = irisWithFeature(`many = ${terms.join(" or ")}`);
  const text = serializePlan(plan);
  const many = plan.featureSets.measures!.features.find((f) => f.name === "many")!;

  it("emit a 1,000-term `or` chain as a node list, not 1,000 levels of nesting", () => {
    expect(many.expr.nodes).toHaveLength(3 * 1000 + 999);
    expect(jsonDepth(text)).toBeLessThan(12);
    expect(text.length).toBeLessThan(1_500_000);
    expect(validatePlan(JSON.parse(text))).toEqual([]);
    expect(printPlanExpr(many.expr)).toBe(terms.join(" or "));
  });

  it.skipIf(!existsSync("/usr/bin/python3") && process.env.CI !== "true")("give a plan Python's json.load reads", () => {
    const dir = mkdtempSync(join(tmpdir(), "mlops-flat-"));
    writeFileSync(join(dir, "plan.json"), text);
    const script =
      "import json,sys; p=json.load(open(sys.argv[1])); print(len(p['featureSets']['measures']['features'][-1]['expr']['nodes']))";
    const result = spawnSync("/usr/bin/python3", ["-c", script, join(dir, "plan.json")], { encoding: "utf8" });
    expect(result.stderr).toBe("");
    expect(result.stdout.trim()).toBe(String(many.expr.nodes.length));
  });

  it("keep children before parents and state keys in source order", () => {
    const p = irisWithFeature("both = standardize(sepal_length) + min_max(sepal_width)");
    const both = p.featureSets.measures!.features.find((f) => f.name === "both")!;
    expect(both.expr.nodes).toEqual([
      { op: "ref", scope: "column", name: "sepal_length" },
      { op: "call", fn: "standardize", args: [0], state: "measures.both#0" },
      { op: "ref", scope: "column", name: "sepal_width" },
      { op: "call", fn: "min_max", args: [2], state: "measures.both#1" },
      { op: "binary", operator: "+", left: 1, right: 3 },
    ]);
  });

  it("are checked for their tree shape when a plan is validated", () => {
    const withExpr = (nodes: unknown[]) => {
      const copy = JSON.parse(text) as Plan;
      copy.featureSets.measures!.features[0]!.expr = { nodes } as Plan["featureSets"][string]["features"][number]["expr"];
      return validatePlan(copy).map((e) => `${e.path}: ${e.message}`);
    };
    const lit = { op: "lit", value: 1 };
    expect(withExpr([lit, lit, { op: "binary", operator: "+", left: 0, right: 1 }])).toEqual([]);
    expect(withExpr([{ op: "unary", operator: "-", operand: 0 }])).toEqual([
      "/featureSets/measures/features/0/expr: node 0 refers to node 0: children must be earlier nodes",
    ]);
    expect(withExpr([lit, { op: "binary", operator: "+", left: 0, right: 0 }])[0]).toMatch(/more than one parent/);
    expect(withExpr([lit, lit])[0]).toMatch(/node 0 is not used/);
    expect(withExpr([])[0]).toMatch(/nodes/);
  });

  it("are read without recursion, however long", () => {
    const b = new PlanExprBuilder();
    let sum = b.lit(1);
    for (let i = 0; i < 200_000; i++) sum = b.binary("+", sum, b.lit(1));
    const expr = b.build();
    expect(planExprProblem(expr)).toBeUndefined();
    const total = foldPlanExpr<number>(expr, (node, [l, r]) => (node.op === "lit" ? Number(node.value) : l! + r!));
    expect(total).toBe(200_001);
    expect(printPlanExpr(expr).length).toBe(200_001 + 200_000 * 3);
  });

  it("print with the parentheses their meaning needs", () => {
    const b = new PlanExprBuilder();
    const a = b.ref("column", "a");
    const x = b.ref("column", "x");
    const y = b.lit(2);
    const difference = b.binary("-", x, y);
    const product = b.binary("*", a, difference);
    const negated = b.unary("not", b.binary(">", product, b.lit(0)));
    b.binary("or", negated, b.call("is_null", [b.ref("column", "c")]));
    expect(printPlanExpr(b.build())).toBe("not a * (x - 2) > 0 or is_null(c)");
  });
});

describe("canonical JSON", () => {
  it("writes values nested far deeper than a recursive writer could", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const text = canonicalJson(deep);
    expect(text.length).toBe(200_001);
    expect(text.startsWith("[[[") && text.endsWith("]]]")).toBe(true);
  });

  it("sorts keys, drops undefined members and indents on request", () => {
    expect(canonicalJson({ b: [1, undefined, { d: undefined, c: "x" }], a: {} }, 2)).toBe(
      '{\n  "a": {},\n  "b": [\n    1,\n    null,\n    {\n      "c": "x"\n    }\n  ]\n}',
    );
  });
});
