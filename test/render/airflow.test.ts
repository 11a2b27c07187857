import { PositionEncoding, Workspace } from "@astral-sh/ruff-wasm-nodejs";
import { renderAirflow, type RenderedFile } from "@mlops/compiler";
import { describe, expect, it } from "vitest";
import type { Plan } from "../../compiler/src/plan/types.js";
import { fixture } from "./support/fixtures.js";
import { planGraph, recordedGraph } from "./support/graph.js";
import { hasPython, pythonParseError, runDags, type Recorded } from "./support/python.js";

const plans: Array<[string, Plan]> = [
  ["fraud (base)", fixture("fraud.base.plan.json")],
  ["fraud (prod)", fixture("fraud.prod.plan.json")],
  ["iris", fixture("iris.plan.json")],
];

function dagFiles(files: RenderedFile[]): Record<string, string> {
  return Object.fromEntries(files.filter((f) => f.path.endsWith(".py")).map((f) => [f.path, f.content]));
}

function ruff(select: string[]): Workspace {
  return new Workspace({ lint: { select, preview: true }, "target-version": "py39" }, PositionEncoding.Utf16);
}

describe.each(plans)("Airflow DAGs for %s", (_, plan) => {
  const v3 = renderAirflow(plan);
  const v2 = renderAirflow(plan, { airflowVersion: 2 });

  it("writes one DAG file per step group, each starting with the generated-file header", () => {
    const groups = new Set(plan.steps.map((s) => s.group));
    expect(Object.keys(dagFiles(v3))).toHaveLength(groups.size);
    expect(v3.map((f) => f.path)).toContain("README.md");
    for (const file of v3.filter((f) => !f.path.endsWith(".md")))
      expect(file.content.split("\n")[0]).toMatch(/^# generated from ".*", plan [0-9a-f]{64} — do not edit$/);
  });

  it("is lint-clean under ruff E9, F and AIR (Airflow 3) and E9, F (Airflow 2)", () => {
    const v3Linter = ruff(["E9", "F", "AIR"]);
    for (const [path, source] of Object.entries(dagFiles(v3))) {
      expect(v3Linter.check(source).map((d: { code: string | null; message: string }) => `${path}: ${d.code} ${d.message}`)).toEqual([]);
    }
    const v2Linter = ruff(["E9", "F"]);
    for (const [path, source] of Object.entries(dagFiles(v2))) {
      expect(v2Linter.check(source).map((d: { code: string | null; message: string }) => `${path}: ${d.code} ${d.message}`)).toEqual([]);
    }
  });

  it.skipIf(!hasPython)("parses with python3 ast", () => {
    for (const source of Object.values({ ...dagFiles(v3), ...dagFiles(v2) })) expect(pythonParseError(source)).toBeNull();
  });

  it.skipIf(!hasPython)("records, against the authoring-API stub, exactly the plan's task graph", () => {
    for (const files of [v3, v2]) {
      const recorded = runDags(dagFiles(files));
      const dags = Object.entries(recorded).flatMap(([path, result]) => {
        expect(result, path).not.toHaveProperty("error");
        expect(result as Recorded[], path).toHaveLength(1);
        return result as Recorded[];
      });
      expect(recordedGraph(plan, dags)).toEqual(planGraph(plan));
      for (const dag of dags) {
        expect(dag.kwargs.catchup).toBe(false);
        expect(dag.kwargs.default_args).toMatchObject({ retries: 2, execution_timeout: { timedelta_ms: 7_200_000 } });
      }
    }
  });
});

describe("Airflow DAG details", () => {
  const plan = fixture("fraud.base.plan.json");

  it.skipIf(!hasPython)("passes schedules, owner, tags, resources, security context and secrets to Airflow", () => {
    const recorded = runDags(dagFiles(renderAirflow(plan)));
    const byId = new Map(Object.values(recorded).flatMap((r) => (r as Recorded[]).map((dag) => [dag.kwargs.dag_id as string, dag])));
    const training = byId.get("fraud_detection")!;
    expect(training.kwargs).toMatchObject({
      schedule: "0 2 * * *",
      tags: ["mlops", "finance", "pci"],
      default_args: { owner: "risk-ml@example.com" },
    });
    expect(byId.get("fraud_detection.monitor.fraud_drift")!.kwargs.schedule).toEqual({ timedelta_ms: 21_600_000 });
    expect(byId.get("fraud_detection.batch.nightly_scores")!.kwargs.schedule).toBe("30 3 * * *");
    const deploy = training.tasks["deploy.fraud_api"]!;
    expect(deploy.secrets).toEqual([{ secret: { deploy_type: "env", deploy_target: "DB_URL", secret: "fraud-db", key: "url" } }]);
    expect(deploy.env_vars).toEqual([{ model: "V1EnvVar", fields: { name: "LOG_LEVEL", value: { literal: "info" } } }]);
    expect(deploy.container_security_context).toMatchObject({
      fields: {
        allow_privilege_escalation: false,
        read_only_root_filesystem: true,
        run_as_non_root: true,
        capabilities: { fields: { drop: ["ALL"] } },
      },
    });
    expect(deploy.security_context).toMatchObject({
      fields: { run_as_non_root: true, run_as_user: 10001, seccomp_profile: { fields: { type: "RuntimeDefault" } } },
    });
    expect(deploy.container_resources).toMatchObject({ fields: { requests: { cpu: "1", memory: "2Gi" } } });
    expect(deploy.image).toEqual({ literal: "mlops/runtime:0.1.0" });
    expect(deploy.namespace).toEqual({ literal: "risk" });
  });

  it("is deterministic", () => {
    expect(renderAirflow(plan)).toEqual(renderAirflow(structuredClone(plan)));
  });

  it("includes the plan ConfigMap the task pods mount", () => {
    const configMap = renderAirflow(plan).find((f) => f.path === "plan-configmap.yaml")!;
    expect(configMap.content).toContain("name: fraud-detection-plan");
    expect(configMap.content).toContain("namespace: risk");
  });
});
