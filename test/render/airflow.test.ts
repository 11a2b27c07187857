import { PositionEncoding, Workspace } from "@astral-sh/ruff-wasm-nodejs";
import { renderAirflow, type RenderedFile } from "@mlops/compiler";
import { describe, expect, it } from "vitest";
import type { Plan } from "../../compiler/src/plan/types.js";
import { fixture } from "./support/fixtures.js";
import type { Obj } from "./support/k8s-rules.js";
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

const IMAGE = { runtimeImage: "registry.example.com/mlops-runtime:1.0.0" };

describe.each(plans)("Airflow DAGs for %s", (_, plan) => {
  const v3 = renderAirflow(plan, IMAGE);
  const v2 = renderAirflow(plan, { ...IMAGE, airflowVersion: 2 });

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
        for (const [id, task] of Object.entries(dag.tasks)) {
          const step = plan.steps.find((s) => s.id === id)!;
          expect(task).toMatchObject({
            retries: step.execution.retries,
            retry_delay: { timedelta_ms: step.execution.retryDelayMs },
            // the step's own limit plus the pod's start-up allowance (run-step keeps the step's limit itself)
            execution_timeout: { timedelta_ms: step.execution.timeoutMs + 600_000 },
            startup_timeout_seconds: 600,
          });
        }
      }
    }
  });

  it("never imports literal (airflow.sdk has none on Airflow 3.0)", () => {
    for (const source of Object.values({ ...dagFiles(v3), ...dagFiles(v2) })) expect(source).not.toMatch(/\bliteral\b/);
  });
});

describe("Airflow DAG details", () => {
  const plan = fixture("fraud.base.plan.json");
  const recorded = hasPython ? runDags(dagFiles(renderAirflow(plan))) : {};
  const byId = new Map(Object.values(recorded).flatMap((r) => (r as Recorded[]).map((dag) => [dag.kwargs.dag_id as string, dag])));

  it.skipIf(!hasPython)("passes schedules, owner, tags, security context and the run id to Airflow", () => {
    const training = byId.get("fraud_detection")!;
    expect(training.kwargs).toMatchObject({
      schedule: "0 2 * * *",
      tags: ["mlops", "finance", "pci"],
      default_args: { owner: "risk-ml@example.com" },
    });
    expect(byId.get("fraud_detection.monitor.fraud_drift")!.kwargs.schedule).toEqual({ timedelta_ms: 21_600_000 });
    expect(byId.get("fraud_detection.batch.nightly_scores")!.kwargs.schedule).toBe("30 3 * * *");
    const deploy = training.tasks["deploy.fraud_api"]!;
    // Rendered as Airflow renders templated fields: the run id and logical date of the DAG run, every other value as written.
    expect(deploy.arguments).toEqual([
      "run-step",
      "--plan",
      "/plan/plan.json",
      "--root",
      "/srv/mlops",
      "--step",
      "deploy.fraud_api",
      "--run-id",
      "scheduled__2024-01-02T00:00:00+00:00",
    ]);
    const [logicalDate, ...stores] = deploy.env_vars as Array<{ fields: Record<string, unknown> }>;
    expect(logicalDate).toEqual({ model: "V1EnvVar", fields: { name: "MLOPS_LOGICAL_DATE", value: "2024-01-02T00:00:00+00:00" } });
    // the stores' settings, from the stores Secret (the AWS ones optional: a pod role needs no keys)
    expect(stores.map((e) => e.fields.name)).toEqual([
      "MLOPS_DATABASE_URL",
      "MLOPS_ARTIFACT_STORE",
      "AWS_ENDPOINT_URL",
      "AWS_REGION",
      "AWS_ACCESS_KEY_ID",
      "AWS_SECRET_ACCESS_KEY",
      "MLOPS_S3_FORCE_PATH_STYLE",
    ]);
    expect(stores[0]!.fields.value_from).toEqual({
      model: "V1EnvVarSource",
      fields: { secret_key_ref: { model: "V1SecretKeySelector", fields: { name: "fraud-detection-stores", key: "MLOPS_DATABASE_URL" } } },
    });
    expect(JSON.stringify(training.tasks["ingest.transactions"]!.volumes)).not.toContain("persistent_volume_claim");
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
    expect(deploy.image).toBe("registry.example.com/fraud-runtime:1.0");
    expect(deploy.namespace).toBe("risk");
    expect(deploy.service_account_name).toBe("fraud-detection-steps");
  });

  it.skipIf(!hasPython)("gives secrets only to the step that needs them", () => {
    const training = byId.get("fraud_detection")!;
    const withSecrets = Object.entries(training.tasks).filter(([, t]) => (t.secrets as unknown[]).length > 0);
    expect(withSecrets).toEqual([]); // the trainer's secret is on its init container, deploy gets none
    const batch = byId.get("fraud_detection.batch.nightly_scores")!.tasks["batch_predict.nightly_scores"]!;
    expect(batch.secrets).toEqual([{ secret: { deploy_type: "env", deploy_target: "DB_URL", secret: "fraud-db", key: "url" } }]);
    expect(byId.get("fraud_detection.monitor.fraud_drift")!.tasks["monitor.fraud_drift"]!.secrets).toEqual([]);
  });

  it.skipIf(!hasPython)("runs an external trainer in its own image between prepare and collect, with its resources and placement", () => {
    const train = byId.get("fraud_detection")!.tasks["train.fraud_ext"]!;
    const init = train.init_containers as Array<{ fields: Obj }>;
    expect(init.map((c) => [c.fields.name, c.fields.image])).toEqual([
      ["train-fraud-ext-prepare", "registry.example.com/fraud-runtime:1.0"],
      ["train-fraud-ext", "registry.example.com/fraud-trainer:2.1"],
    ]);
    expect(init[1]!.fields.command).toEqual(["python", "train.py"]);
    expect(init[1]!.fields.resources.fields.limits).toEqual({ cpu: "4", memory: "8Gi", "nvidia.com/gpu": "1" });
    expect(init[1]!.fields.env.map((e: { fields: { name: string } }) => e.fields.name)).toContain("HF_TOKEN");
    expect(train.arguments).toContain("collect");
    expect(train.node_selector).toEqual({ "cloud.google.com/gke-accelerator": "nvidia-l4" });
    expect(train.tolerations).toEqual([
      { model: "V1Toleration", fields: { effect: "NoSchedule", key: "nvidia.com/gpu", operator: "Exists" } },
    ]);
    expect(train).toMatchObject({ retries: 0, execution_timeout: { timedelta_ms: 21_600_000 + 600_000 } });
  });

  it.skipIf(!hasPython)("sets catchup, pools and the start-up timeout from the options; a step's declared pool wins", () => {
    const files = renderAirflow(plan, { catchup: true, pool: "ml", gpuPool: "gpu", startupTimeoutSeconds: 900 });
    const dags = Object.values(runDags(dagFiles(files))).flatMap((r) => r as Recorded[]);
    const training = dags.find((d) => d.kwargs.dag_id === "fraud_detection")!;
    expect(training.kwargs.catchup).toBe(true);
    expect(training.tasks["train.fraud_ext"]).toMatchObject({ pool: "gpu_training", startup_timeout_seconds: 900 });
    expect(training.tasks["train.fraud_clf"]).toMatchObject({ pool: "ml" });
    const undeclared = structuredClone(plan);
    for (const step of undeclared.steps) delete step.execution.pool;
    const gpuDag = Object.values(runDags(dagFiles(renderAirflow(undeclared, { pool: "ml", gpuPool: "gpu" }))))
      .flatMap((r) => r as Recorded[])
      .find((d) => d.kwargs.dag_id === "fraud_detection")!;
    expect(gpuDag.tasks["train.fraud_ext"]).toMatchObject({ pool: "gpu" });
  });

  it.skipIf(!hasPython)("gives each task its step's pool slots, absolute priority weight and PriorityClass", () => {
    const training = byId.get("fraud_detection")!;
    expect(training.tasks["train.fraud_ext"]).toMatchObject({
      pool: "gpu_training",
      pool_slots: 2,
      priority_weight: 10,
      weight_rule: "absolute",
      priority_class_name: "ml-training",
    });
    // nothing declared: Airflow's defaults (default_pool, weight 1 summed downstream), the cluster's default class
    const clf = training.tasks["train.fraud_clf"]!;
    expect(clf.pool_slots).toBe(1);
    for (const key of ["pool", "priority_weight", "weight_rule", "priority_class_name"]) expect(clf).not.toHaveProperty(key);
  });

  it("is deterministic", () => {
    expect(renderAirflow(plan)).toEqual(renderAirflow(structuredClone(plan)));
  });

  it("includes the plan ConfigMap the task pods mount, its name carrying the plan hash", () => {
    const configMap = renderAirflow(plan).find((f) => f.path === "plan-configmap.yaml")!;
    expect(configMap.content).toMatch(/name: fraud-detection-plan-[0-9a-f]{10}\n/);
    expect(configMap.content).toContain("namespace: risk");
  });

  it("names the provider floor in the README and refuses to guess an image", () => {
    expect(renderAirflow(plan).find((f) => f.path === "README.md")!.content).toContain("apache-airflow-providers-cncf-kubernetes`\n10.5.0");
    expect(() => renderAirflow(fixture("iris.plan.json"))).toThrow(/--image/);
  });
});
