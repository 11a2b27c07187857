import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createProgram, emitPlan, renderAirflow, renderDocker, renderKubernetes, type Plan, type RenderedFile } from "@mlops/compiler";
import { NodeHost } from "@mlops/compiler/node";
import { repoRoot } from "../support/cli.js";

// `examples/*/rendered/` is not committed: this test renders every example with
// every renderer and compares each file with the goldens under
// test/golden/rendered/. After an intended change: `npx vitest run test/render/examples-golden -u`.

const examples = [
  ["credit", "credit/credit.mlops"],
  ["fraud", "fraud/fraud.mlops"],
  ["house-prices", "house-prices/house-prices.mlops"],
  ["iris", "iris/iris.mlops"],
] as const;

/** Plans of an example for every env, with the compiler version pinned so goldens survive releases. */
function examplePlans(file: string): { base: Plan; envs: Record<string, Plan> } {
  const path = join(repoRoot, "examples", file);
  const program = createProgram({ host: new NodeHost(), rootFiles: [path] });
  const projectRoot = join(path, "..");
  const pin = (plan: Plan): Plan => ({ ...plan, compiler: { name: "mlops", version: "GOLDEN" } });
  const base = pin(emitPlan(program, { projectRoot, env: null }));
  const envs = Object.fromEntries(Object.keys(base.envs).map((env) => [env, pin(emitPlan(program, { projectRoot, env }))]));
  return { base, envs };
}

describe.each(examples)("rendered artifacts of examples/%s", (name, file) => {
  const plans = examplePlans(file);
  // fraud's runtime image comes from its deployment; the others name one as `--image` would.
  const options = name === "fraud" ? {} : { runtimeImage: "registry.example.com/mlops-runtime:1.0.0" };
  const targets: Array<[string, RenderedFile[]]> = [
    ["airflow", renderAirflow(plans.base, options)],
    ["kubernetes", renderKubernetes(plans, options)],
    ["docker", renderDocker(plans.base, options)],
  ];
  const files = targets.flatMap(([target, rendered]) => rendered.map((f) => [`${target}/${f.path}`, f.content] as const));

  it("renders files", () => {
    expect(files.length).toBeGreaterThan(3);
  });

  it.each(files)("%s", async (path, content) => {
    await expect(content).toMatchFileSnapshot(join(repoRoot, "test", "golden", "rendered", name, path));
  });
});
