/**
 * The proof that rendered artifacts can run on a cluster, as far as one machine allows: the fraud
 * example (its data moved to object storage) rendered for Kubernetes and for Airflow, then every
 * task's container run exactly as rendered — command, arguments and environment read from the
 * rendered files, Secrets pointing at the test's PostgreSQL and S3 server — each as a separate
 * process in its own fresh empty directory, as a pod starts: the Kubernetes Job's containers one
 * after another, the Airflow DAG's tasks in its dependency order with independent tasks at once.
 * Two Airflow DAG runs and the Kubernetes Job run at the same time against the one database; then
 * the rendered model server, started from another empty directory with only the store URLs, serves
 * the registered model.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { s3ClientConfig, s3SettingsFromEnv } from "../../runtime/src/store/s3/s3-client-config.js";
import type { Obj } from "../render/support/k8s-rules.js";
import { hasPython, runDags } from "../render/support/python.js";
import { repoRoot, runCli, runCliAsync } from "../support/cli.js";
import { type ContainerSpec, type PodWorld, podDir, runContainer, startContainer } from "../support/pod-process.js";
import { POSTGRES_MISSING, postgresAvailable, startPostgres, type PostgresServer } from "../support/postgres-server.js";
import { startS3, type S3Server } from "../support/s3-server.js";
import { freePort } from "../support/free-port.js";

type Json = Obj;

const PASSWORD = "cluster-pw-5d1e";
const WORKDIR = "/srv/mlops";

if (!postgresAvailable()) console.log(`skipped: ${POSTGRES_MISSING}`);

/** An Airflow `KubernetesPodOperator`'s recorded arguments (from the authoring-API stub) as the container it starts. */
function airflowContainer(taskId: string, task: Json): ContainerSpec {
  const envOf = (model: Json): ContainerSpec["env"][number] => {
    const fields = model.fields as Json;
    const ref = fields.value_from?.fields?.secret_key_ref?.fields as Json | undefined;
    return ref
      ? { name: fields.name, valueFrom: { secretKeyRef: { name: ref.name, key: ref.key, optional: ref.optional === true } } }
      : { name: fields.name, value: fields.value };
  };
  const secrets = ((task.secrets ?? []) as Json[]).map(({ secret }) => ({
    name: secret.deploy_target as string,
    valueFrom: { secretKeyRef: { name: secret.secret as string, key: secret.key as string } },
  }));
  return {
    name: taskId,
    command: task.cmds,
    args: task.arguments,
    env: [...(task.env_vars as Json[]).map(envOf), ...secrets],
    volumeMounts: (task.volume_mounts as Json[]).map((m) => ({
      name: m.fields.name,
      mountPath: m.fields.mount_path,
      ...(m.fields.sub_path ? { subPath: m.fields.sub_path } : {}),
    })),
  };
}

/** Runs `tasks` in the order of `edges`, each as soon as what it needs is done; returns the failures. */
async function runInOrder(tasks: Map<string, ContainerSpec>, edges: Array<[string, string]>, world: PodWorld): Promise<string[]> {
  const failures: string[] = [];
  const done = new Map<string, Promise<void>>();
  const start = (id: string): Promise<void> => {
    const existing = done.get(id);
    if (existing) return existing;
    const needs = edges.filter(([, to]) => to === id).map(([from]) => start(from));
    const run = Promise.all(needs).then(async () => {
      if (failures.length > 0) return;
      const result = await runContainer(tasks.get(id)!, world);
      if (result.code !== 0) failures.push(`${id} (exit ${result.code}): ${result.stdout}${result.stderr}`);
      roots.push(result.root);
    });
    done.set(id, run);
    return run;
  };
  await Promise.all([...tasks.keys()].map(start));
  return failures;
}

/** Every container's fresh directory, checked afterwards for store files. */
const roots: string[] = [];

describe.skipIf(!postgresAvailable() || !hasPython)("rendered artifacts on a simulated cluster [postgres + s3]", () => {
  let postgres: PostgresServer;
  let s3: S3Server;
  let work: string;
  beforeAll(async () => {
    [postgres, s3] = await Promise.all([startPostgres(), startS3(["mlops", "data"])]);
    work = mkdtempSync(join(tmpdir(), "cluster-sim-"));
  });
  afterAll(async () => {
    postgres?.stop();
    await s3?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
    for (const root of roots) rmSync(podDir(root), { recursive: true, force: true });
  });

  it("runs the pipeline from the rendered Job and DAG at once, registers consistent versions, and serves the model", {
    timeout: 1_200_000,
  }, async () => {
    // The project: the fraud example with its data in object storage (a pod has no project files).
    const project = join(work, "fraud");
    cpSync(join(repoRoot, "examples/fraud"), project, { recursive: true, filter: (src) => !/[\\/]\.mlops$/.test(src) });
    const source = join(project, "fraud.mlops");
    writeFileSync(
      source,
      readFileSync(source, "utf8").replace('path   = "data/transactions.csv"', 'path   = "s3://data/fraud/transactions.csv"'),
    );
    const client = new S3Client(s3ClientConfig(s3SettingsFromEnv(s3.env)));
    await client.send(
      new PutObjectCommand({ Bucket: "data", Key: "fraud/transactions.csv", Body: readFileSync(join(project, "data/transactions.csv")) }),
    );
    client.destroy();
    rmSync(join(project, "data"), { recursive: true });

    for (const target of ["kubernetes", "airflow"]) {
      const rendered = runCli(["render", target, project, "-o", join(work, target)], { cwd: repoRoot });
      expect(rendered.status, rendered.stderr).toBe(0);
    }

    // What the cluster holds: the Secrets the README asks for, the plan ConfigMaps, the claims.
    const databaseUrl = (await postgres.createDatabase()).replace("postgres@", `postgres:${PASSWORD}@`);
    const secrets = {
      "fraud-detection-stores": { ...s3.env, MLOPS_DATABASE_URL: databaseUrl, MLOPS_ARTIFACT_STORE: "s3://mlops/fraud-detection" },
      "fraud-db": { url: "postgresql://app@db.internal/fraud" },
    };
    const k8sPlan = join(work, "configmap-k8s");
    cpSync(join(work, "kubernetes/base/plan.json"), join(k8sPlan, "plan.json"));
    const configMap = parseYaml(readFileSync(join(work, "airflow/plan-configmap.yaml"), "utf8")) as Json;
    const airflowPlan = join(work, "configmap-airflow");
    mkdirSync(airflowPlan);
    writeFileSync(join(airflowPlan, "plan.json"), configMap.data["plan.json"]);
    const requests = mkdtempSync(join(work, "claim-requests-"));
    const world = (plan: string, fields: Record<string, string> = {}): PodWorld => ({
      secrets,
      fields,
      volumes: { plan, requests },
      workdir: WORKDIR,
    });

    // Kubernetes: the pipeline's CronJob makes a Job; its pod runs the steps' containers in order.
    const cronJob = parseYaml(readFileSync(join(work, "kubernetes/base/risk/cronjob-fraud-detection-train.yaml"), "utf8")) as Json;
    const pod = cronJob.spec.jobTemplate.spec.template.spec as Json;
    expect(pod.volumes.map((v: Json) => v.persistentVolumeClaim).filter(Boolean)).toEqual([]); // no shared volume with SQLite
    const jobName = "fraud-detection-train-29450000";
    const jobContainers = [...(pod.initContainers ?? []), ...pod.containers] as ContainerSpec[];
    const kubernetesRun = (async () => {
      for (const container of jobContainers) {
        const result = await runContainer(container, world(k8sPlan, { "metadata.labels['job-name']": jobName }));
        roots.push(result.root);
        if (result.code !== 0) return [`${container.name} (exit ${result.code}): ${result.stdout}${result.stderr}`];
      }
      return [];
    })();

    // Airflow: two DAG runs of the pipeline's DAG, tasks in the DAG's order.
    const dagFile = readdirSync(join(work, "airflow/dags")).find((f) => f === "fraud_detection.py")!;
    const dagText = readFileSync(join(work, "airflow/dags", dagFile), "utf8");
    const airflowRun = (runId: string): Promise<string[]> => {
      const recorded = runDags({ [dagFile]: dagText }, runId)[dagFile];
      if (!Array.isArray(recorded)) throw new Error(recorded?.error);
      const dag = recorded[0]!;
      const tasks = new Map(Object.entries(dag.tasks).map(([id, kwargs]) => [id, airflowContainer(id, kwargs as Json)]));
      return runInOrder(tasks, dag.edges, world(airflowPlan));
    };
    const runIds = ["scheduled__2026-03-01T02:00:00+00:00", "manual__2026-03-01T09:30:00+00:00"];
    const failures = (await Promise.all([kubernetesRun, ...runIds.map(airflowRun)])).flat();
    expect(failures).toEqual([]);

    // Nothing was kept on a pod's disk: the stores are PostgreSQL and S3.
    for (const root of roots) {
      expect(existsSync(join(root, ".mlops/metadata.db"))).toBe(false);
      expect(existsSync(join(root, ".mlops/artifacts"))).toBe(false);
    }
    const storeEnv = { ...s3.env, MLOPS_DATABASE_URL: databaseUrl, MLOPS_ARTIFACT_STORE: "s3://mlops/fraud-detection" };
    const cli = async (args: string[]): Promise<{ stdout: string }> => {
      const result = await runCliAsync(args, { cwd: project, env: storeEnv });
      expect(result.status, `mlops ${args.join(" ")}: ${result.stderr}`).toBe(0);
      return result;
    };
    const runs = JSON.parse((await cli(["runs", "list", "--json"])).stdout) as Array<{ id: string; status: string }>;
    expect(runs.map((r) => r.id).sort()).toEqual([jobName, ...runIds].sort());
    expect(runs.map((r) => r.status)).toEqual(["succeeded", "succeeded", "succeeded"]);
    const pipelineSteps = JSON.parse(readFileSync(join(k8sPlan, "plan.json"), "utf8"))
      .steps.filter((s: Json) => s.group === "pipeline")
      .map((s: Json) => s.id)
      .sort();
    for (const run of runs) {
      const shown = JSON.parse((await cli(["runs", "show", run.id, "--json"])).stdout) as { steps: Array<{ stepId: string }> };
      expect(shown.steps.map((s) => s.stepId).sort()).toEqual(pipelineSteps);
    }
    // Consistent versions: numbered 1..N without gaps or duplicates, one per distinct model, each registration audited once.
    const model = JSON.parse((await cli(["models", "show", "fraud_clf", "--json"])).stdout) as {
      versionList: Array<{ version: number; artifactHash: string }>;
      audit: Array<{ action: string; version: number }>;
    };
    const versions = model.versionList.map((v) => v.version).sort((a, b) => a - b);
    expect(versions).toEqual(versions.map((_, i) => i + 1));
    expect(new Set(model.versionList.map((v) => v.artifactHash)).size).toBe(versions.length);
    expect(model.audit.filter((a) => a.action === "register").map((a) => a.version)).toEqual(versions);
    const text = JSON.stringify(runs) + JSON.stringify(model);
    expect(text).not.toContain(PASSWORD);

    // The rendered model server, from an empty directory with only the store settings, serves the model.
    const deployment = parseYaml(readFileSync(join(work, "kubernetes/base/risk/deployment-fraud-api.yaml"), "utf8")) as Json;
    const serverContainer = deployment.spec.template.spec.containers[0] as ContainerSpec;
    const port = await freePort();
    const server = startContainer(serverContainer, {
      ...world(k8sPlan, { "metadata.name": "fraud-api-5d8f7c9b4-x7k2p" }),
      // a pod has its own network: here the server listens on 127.0.0.1 and a free port
      rewriteArgs: (args) => args.map((arg, i) => (args[i - 1] === "--host" ? "127.0.0.1" : args[i - 1] === "--port" ? String(port) : arg)),
    });
    try {
      let ready = 0;
      for (let attempt = 0; attempt < 240 && ready !== 200; attempt++) {
        ready = await fetch(`http://127.0.0.1:${port}/v2/health/ready`).then(
          (r) => r.status,
          () => 0,
        );
        if (ready !== 200) await new Promise((r) => setTimeout(r, 500));
      }
      expect(ready, server.output()).toBe(200);
      const answer = await fetch(`http://127.0.0.1:${port}/v1/fraud`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          instances: [
            { tx_id: "t-1", amount: 120.5, merchant_category: "online", hour: 3, country: "DE", created_at: "2026-03-01T03:00:00Z" },
          ],
        }),
      });
      const body = (await answer.json()) as Json;
      expect(answer.status, JSON.stringify(body)).toBe(200);
      expect(body.model).toBe("fraud_clf");
      expect(versions).toContain(body.version);
      expect(body.predictions).toHaveLength(1);
    } finally {
      expect(await server.stop()).toBe(0);
      roots.push(server.root);
    }
    expect(server.output()).not.toContain(PASSWORD);
    // stopped gracefully, the server has written its request log to the claim the monitors mount,
    // in a file of its own (its pod's name): replicas never append to one file
    expect(readFileSync(join(requests, "fraud_api~fraud-api-5d8f7c9b4-x7k2p.jsonl"), "utf8")).toContain('"tx_id":"t-1"');
  });
});
