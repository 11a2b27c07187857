import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PositionEncoding, Workspace } from "@astral-sh/ruff-wasm-nodejs";
import { renderAirflow, renderDocker, renderKubernetes, type RenderedFile } from "@mlops/compiler";
import { describe, expect, it } from "vitest";
import type { Plan } from "../../compiler/src/plan/types.js";
import { validatePlan } from "../../compiler/src/plan/validate.js";
import { dockerfileProblems } from "./support/docker-rules.js";
import { planGraph, recordedGraph } from "./support/graph.js";
import { baseObjectFiles } from "./support/fixtures.js";
import { checkObjects } from "./support/k8s-rules.js";
import { modelError, parseYaml11 } from "./support/k8s-validate.js";
import { hasPython, runDags, type Recorded } from "./support/python.js";

const here = dirname(fileURLToPath(import.meta.url));
const fixtureDir = join(here, "fixtures");
const goldenDir = join(here, "../golden/plans");

function load(path: string): Plan {
  return JSON.parse(readFileSync(path, "utf8")) as Plan;
}

const fixtures = readdirSync(fixtureDir)
  .filter((f) => f.endsWith(".plan.json"))
  .map((f) => [f, join(fixtureDir, f)] as const);
/** Compiled plans of the examples (written by the plan emitter's golden tests), when present. */
const compiled = existsSync(goldenDir)
  ? readdirSync(goldenDir)
      .filter((f) => f.endsWith(".json"))
      .map((f) => [f, join(goldenDir, f)] as const)
  : [];

const kubectl = ["/usr/bin/kubectl", "/usr/local/bin/kubectl"].find((path) => existsSync(path));
const linter = new Workspace({ lint: { select: ["E9", "F", "AIR"], preview: true }, "target-version": "py39" }, PositionEncoding.Utf16);

function writeTree(files: RenderedFile[]): string {
  const root = mkdtempSync(join(tmpdir(), "render-"));
  for (const file of files) {
    mkdirSync(dirname(join(root, file.path)), { recursive: true });
    writeFileSync(join(root, file.path), file.content);
  }
  return root;
}

describe("test fixtures", () => {
  it.each(fixtures)("%s is a valid plan (plan.schema.json)", (_, path) => {
    expect(validatePlan(load(path))).toEqual([]);
  });
});

const IMAGE = { runtimeImage: "registry.example.com/mlops-runtime:1.0.0" };

describe.each([...fixtures, ...compiled])("every renderer on %s", (_, path) => {
  const plan = load(path);

  it("Airflow: lint-clean, and the stub records the plan's DAG", () => {
    const dags = Object.fromEntries(
      renderAirflow(plan, IMAGE)
        .filter((f) => f.path.endsWith(".py"))
        .map((f) => [f.path, f.content]),
    );
    for (const [file, source] of Object.entries(dags))
      expect(linter.check(source).map((d: { message: string }) => `${file}: ${d.message}`)).toEqual([]);
    if (!hasPython) return;
    const recorded = Object.values(runDags(dags)).flatMap((result) => {
      expect(result).not.toHaveProperty("error");
      return result as Recorded[];
    });
    expect(recordedGraph(plan, recorded)).toEqual(planGraph(plan));
  });

  it("Kubernetes: every object validates and passes the rules; kustomize builds it", () => {
    const files = renderKubernetes({ base: plan, envs: {} }, IMAGE);
    const objects = baseObjectFiles(files).flatMap((f) => parseYaml11(f.content));
    expect(objects.map(modelError).filter(Boolean)).toEqual([]);
    expect(checkObjects(objects)).toEqual([]);
    if (!kubectl) return;
    const result = spawnSync(kubectl, ["kustomize", join(writeTree(files), "base")], { encoding: "utf8" });
    expect(result.stderr).toBe("");
    const built = parseYaml11(result.stdout);
    expect(built.filter((o) => o.kind !== "ConfigMap")).toHaveLength(objects.length);
    expect(checkObjects(built)).toEqual([]);
  });

  it("Docker: the Dockerfile passes the rules and the compose file parses", () => {
    const files = renderDocker(plan, IMAGE);
    expect(dockerfileProblems(files.find((f) => f.path === "Dockerfile")!.content)).toEqual([]);
    const compose = files.find((f) => f.path === "compose.yaml");
    if (compose) expect(parseYaml11(compose.content)).toHaveLength(1);
  });
});
