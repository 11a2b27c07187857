import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { renderKubernetes, RenderError, type RenderedFile } from "@mlops/compiler";
import { describe, expect, it } from "vitest";
import { baseObjectFiles, fixture, fraudPlans } from "./support/fixtures.js";
import { checkObjects, type Obj } from "./support/k8s-rules.js";
import { modelError, parseYaml11 } from "./support/k8s-validate.js";

const kubectl = ["/usr/bin/kubectl", "/usr/local/bin/kubectl"].find((path) => existsSync(path));
if (!kubectl) console.warn("kubectl not found: skipping `kubectl kustomize` checks");

/** The store settings every container of the runtime image reads from the stores Secret. */
const STORE_ENV = [
  ["MLOPS_DATABASE_URL", false],
  ["MLOPS_ARTIFACT_STORE", false],
  ["AWS_ENDPOINT_URL", true],
  ["AWS_REGION", true],
  ["AWS_ACCESS_KEY_ID", true],
  ["AWS_SECRET_ACCESS_KEY", true],
  ["MLOPS_S3_FORCE_PATH_STYLE", true],
].map(([name, optional]) => ({
  name: name as string,
  valueFrom: { secretKeyRef: { name: "fraud-detection-stores", key: name as string, ...(optional ? { optional: true } : {}) } },
}));

function writeTree(files: RenderedFile[]): string {
  const root = mkdtempSync(join(tmpdir(), "k8s-render-"));
  for (const file of files) {
    mkdirSync(dirname(join(root, file.path)), { recursive: true });
    writeFileSync(join(root, file.path), file.content);
  }
  return root;
}

function baseObjects(files: RenderedFile[]): Obj[] {
  return baseObjectFiles(files).flatMap((f) => parseYaml11(f.content));
}

function kustomize(dir: string): Obj[] {
  const result = spawnSync(kubectl!, ["kustomize", dir], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`kubectl kustomize ${dir}: ${result.stderr}`);
  return parseYaml11(result.stdout);
}

/** Objects keyed by identity, with keys sorted so field order does not matter. */
function canonical(objects: Obj[]): Map<string, string> {
  const sortDeep = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sortDeep)
      : v && typeof v === "object"
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sortDeep((v as Obj)[k])]),
          )
        : v;
  return new Map(objects.map((o) => [`${o.metadata.namespace}/${o.kind}/${o.metadata.name}`, JSON.stringify(sortDeep(o))]));
}

describe("Kubernetes manifests", () => {
  const plans = fraudPlans();
  const files = renderKubernetes(plans);
  const objects = baseObjects(files);
  const byName = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name)!;

  it("lays out base/, one overlay per env and a README, every YAML file with the header", () => {
    const paths = files.map((f) => f.path);
    expect(paths).toContain("base/kustomization.yaml");
    expect(paths).toContain("overlays/prod/kustomization.yaml");
    expect(paths).toContain("overlays/staging/kustomization.yaml");
    expect(paths).toContain("README.md");
    for (const file of files.filter((f) => f.path.endsWith(".yaml"))) {
      expect(file.content.split("\n")[0]).toMatch(/^# generated from "fraud_detection", plan [0-9a-f]{64} — do not edit$/);
    }
  });

  it("validates every base object with kubernetes-models", () => {
    expect(objects.map(modelError).filter(Boolean)).toEqual([]);
  });

  it("passes the known-field, naming, selector, restricted-PSS and image rules", () => {
    expect(checkObjects(objects)).toEqual([]);
  });

  it("the rules catch what they claim to", () => {
    const deployment = structuredClone(byName("Deployment", "fraud-api"));
    deployment.spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation = true;
    deployment.spec.template.spec.containers[0].image = "x:latest";
    deployment.spec.template.spec.containers[0].readinesProbe = {};
    deployment.metadata.name = "Fraud_API";
    const problems = checkObjects([deployment]).join("\n");
    expect(problems).toMatch(/allowPrivilegeEscalation/);
    expect(problems).toMatch(/not pinned/);
    expect(problems).toMatch(/readinesProbe: unknown field/);
    expect(problems).toMatch(/DNS-1035/);
  });

  it("renders the serving objects of a kubernetes target", () => {
    const api = byName("Deployment", "fraud-api");
    const pod = api.spec.template.spec;
    const container = pod.containers[0];
    expect(api.spec.replicas).toBeUndefined(); // the HPA owns the replica count
    expect(container.startupProbe.httpGet).toEqual({ path: "/v2/health/ready", port: "http" });
    expect(container.livenessProbe.httpGet.path).toBe("/v2/health/live");
    expect(container.resources).toEqual({ requests: { cpu: "500m", memory: "512Mi" }, limits: { cpu: "500m", memory: "512Mi" } });
    expect(container.env).toContainEqual({ name: "DB_URL", valueFrom: { secretKeyRef: { name: "fraud-db", key: "url" } } });
    expect(container.env).toContainEqual({ name: "ORT_INTRA_OP_THREADS", value: "1" });
    expect(pod.serviceAccountName).toBe("fraud-api");
    expect(byName("ServiceAccount", "fraud-api").automountServiceAccountToken).toBe(false);
    expect(pod.topologySpreadConstraints.map((t: Obj) => [t.topologyKey, t.whenUnsatisfiable])).toEqual([
      ["kubernetes.io/hostname", "DoNotSchedule"],
      ["topology.kubernetes.io/zone", "ScheduleAnyway"],
    ]);
    // each replica appends to its own request-log file on the shared volume: its pod's name
    expect(byName("Deployment", "fraud-api").spec.template.spec.containers[0].env).toContainEqual({
      name: "MLOPS_REQUEST_LOG_WRITER",
      valueFrom: { fieldRef: { fieldPath: "metadata.name" } },
    });
    const internal = byName("Deployment", "fraud-internal").spec.template.spec.containers[0];
    expect(internal.env).toContainEqual({ name: "ORT_INTRA_OP_THREADS", value: "2" });
    expect(byName("HorizontalPodAutoscaler", "fraud-api").spec).toMatchObject({ minReplicas: 2, maxReplicas: 10 });
    expect(byName("PodDisruptionBudget", "fraud-internal")).toBeDefined();
    expect(byName("Service", "fraud-api").spec.ports[0]).toMatchObject({ port: 8080, targetPort: "http" });
    const policy = byName("NetworkPolicy", "fraud-api").spec;
    expect(policy.ingress).toEqual([{ ports: [{ protocol: "TCP", port: 8080 }] }]);
    expect(policy.policyTypes).toEqual(["Ingress", "Egress"]);
    expect(policy.egress.flatMap((rule: Obj) => rule.ports.map((p: Obj) => `${p.protocol}/${p.port}`))).toEqual([
      "UDP/53",
      "TCP/53",
      "TCP/443",
      "TCP/5432",
    ]);
  });

  it("renders a canary as its own Deployment and Service, the traffic split by an HTTPRoute's weights", () => {
    const canary = byName("Deployment", "fraud-api-canary");
    expect(canary.spec.template.spec.containers[0].args.slice(-2)).toEqual(["--alias", "canary"]);
    expect(byName("Deployment", "fraud-api").spec.template.spec.containers[0].args).not.toContain("--alias");
    const stableService = byName("Service", "fraud-api");
    const canaryService = byName("Service", "fraud-api-canary");
    expect(stableService.spec.selector["mlops.dev/track"]).toBe("stable");
    expect(canaryService.spec.selector["mlops.dev/track"]).toBe("canary");
    const route = byName("HTTPRoute", "fraud-api");
    // A declared 10% is 10% of the requests, whatever the replica counts (it was 33% at the HPA minimum by replicas).
    expect(route.spec.rules[0].backendRefs).toEqual([
      { name: "fraud-api", port: 8080, weight: 90 },
      { name: "fraud-api-canary", port: 8080, weight: 10 },
    ]);
    expect(route.spec.parentRefs).toEqual([{ name: "mlops-gateway" }]);
    expect(route.metadata.annotations).toMatchObject({
      "mlops.dev/canary-weights": "10%,50%,100%",
      "mlops.dev/canary-interval-seconds": "600",
    });
    expect(byName("HorizontalPodAutoscaler", "fraud-api-canary").spec).toMatchObject({ minReplicas: 1, maxReplicas: 10 });
    const readme = files.find((f) => f.path === "README.md")!.content;
    expect(readme).toContain("kubectl -n risk patch httproute fraud-api --type=json");
    expect(readme).toContain("mlops rollout promote");
    const gateway = renderKubernetes(plans, { gateway: "infra/public" }).find((f) => f.path === "base/risk/httproute-fraud-api.yaml")!;
    expect(parseYaml11(gateway.content)[0].spec.parentRefs).toEqual([{ name: "public", namespace: "infra" }]);
  });

  it("renders the pipeline's schedule as a CronJob whose containers are the steps, each with its own resources", () => {
    const train = byName("CronJob", "fraud-detection-train");
    expect(train.spec).toMatchObject({
      schedule: "0 2 * * *",
      timeZone: "Etc/UTC",
      concurrencyPolicy: "Forbid",
      startingDeadlineSeconds: 300,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
    });
    const job = train.spec.jobTemplate.spec;
    const pod = job.template.spec;
    const containers = [...pod.initContainers, ...pod.containers];
    const pipeline = plans.base.steps.filter((s) => s.group === "pipeline");
    // every step, in the plan's order; the external trainer runs in its own image between prepare and collect
    const names = containers.map((c: Obj) => c.name);
    expect(names.filter((n: string) => !n.endsWith("-prepare") && !n.endsWith("-collect"))).toEqual(
      pipeline.map((s) => s.id.replace(/[._]/g, "-")),
    );
    const trainer = containers.find((c: Obj) => c.name === "train-fraud-ext")!;
    expect(trainer.image).toBe("registry.example.com/fraud-trainer:2.1");
    expect(trainer.command).toEqual(["python", "train.py"]);
    expect(trainer.resources.limits).toEqual({ cpu: "4", memory: "8Gi", "nvidia.com/gpu": "1" });
    expect(trainer.env.find((e: Obj) => e.name === "MLOPS_OUTPUT").value).toBe("/exchange/model.onnx");
    expect(trainer.env.find((e: Obj) => e.name === "HF_TOKEN").valueFrom.secretKeyRef).toEqual({ name: "hf", key: "token" });
    expect(containers.find((c: Obj) => c.name === "train-fraud-ext-collect").args.slice(-4)).toEqual([
      "--exchange",
      "/exchange",
      "--stage",
      "collect",
    ]);
    expect(pod.nodeSelector).toEqual({ "cloud.google.com/gke-accelerator": "nvidia-l4" });
    expect(pod.tolerations).toEqual([{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }]);
    expect(pod.priorityClassName).toBe("ml-training"); // the one class its steps declare
    expect(pod.restartPolicy).toBe("OnFailure");
    expect(job.backoffLimit).toBe(pipeline.reduce((n, s) => n + s.execution.retries, 0));
    const deploy = containers.find((c: Obj) => c.name === "deploy-fraud-api")!;
    expect(deploy.args).toEqual([
      "run-step",
      "--plan",
      "/plan/plan.json",
      "--root",
      "/srv/mlops",
      "--step",
      "deploy.fraud_api",
      "--run-id",
      "$(MLOPS_RUN_ID)",
    ]);
    // the deploy step moves an alias: it gets neither the server's env nor its secrets, only the stores'
    expect(deploy.env).toEqual([
      { name: "MLOPS_RUN_ID", valueFrom: { fieldRef: { fieldPath: "metadata.labels['job-name']" } } },
      ...STORE_ENV,
    ]);
    expect(pod.volumes.filter((v: Obj) => v.persistentVolumeClaim)).toEqual([]); // no shared volume with SQLite
    expect(deploy.volumeMounts).toContainEqual({ name: "scratch", mountPath: "/srv/mlops/.mlops" });
    // the external trainer's own image gets no store settings: it exchanges files with prepare/collect
    expect(containers.find((c: Obj) => c.name === "train-fraud-ext").env.map((e: Obj) => e.name)).not.toContain("MLOPS_DATABASE_URL");
    expect(pod.serviceAccountName).toBe("fraud-detection-steps");
  });

  it("renders monitors and batch scoring as CronJobs; batch output is written to the outputs claim, not the image", () => {
    const crons = objects.filter((o) => o.kind === "CronJob" && o.metadata.name !== "fraud-detection-train");
    expect(crons.map((c) => [c.metadata.name, c.spec.schedule]).sort()).toEqual([
      ["fraud-detection-batch-nightly-scores", "30 3 * * *"],
      ["fraud-detection-monitor-fraud-drift", "0 */6 * * *"],
      ["fraud-detection-monitor-latency-watch", "*/15 * * * *"],
    ]);
    const batch = byName("CronJob", "fraud-detection-batch-nightly-scores").spec.jobTemplate.spec.template.spec.containers[0];
    expect(batch.volumeMounts).toContainEqual({ name: "outputs", mountPath: "/srv/mlops/out", subPath: "out" });
    const batchPod = byName("CronJob", "fraud-detection-batch-nightly-scores").spec.jobTemplate.spec.template.spec;
    expect(batchPod.volumes).toContainEqual({ name: "outputs", persistentVolumeClaim: { claimName: "fraud-detection-outputs" } });
    expect(batch.env).toContainEqual({ name: "DB_URL", valueFrom: { secretKeyRef: { name: "fraud-db", key: "url" } } });
    const monitor = byName("CronJob", "fraud-detection-monitor-fraud-drift").spec.jobTemplate.spec.template.spec.containers[0];
    expect(monitor.env.map((e: Obj) => e.name)).toEqual(["MLOPS_RUN_ID", ...STORE_ENV.map((e) => e.name)]);
    // monitors read the request log the servers write, on one ReadWriteMany claim
    expect(monitor.volumeMounts).toContainEqual({ name: "requests", mountPath: "/srv/mlops/.mlops/requests" });
    const server = byName("Deployment", "fraud-api").spec.template.spec;
    expect(server.containers[0].volumeMounts).toContainEqual({ name: "requests", mountPath: "/srv/mlops/.mlops/requests" });
    expect(server.volumes).toContainEqual({ name: "requests", persistentVolumeClaim: { claimName: "fraud-detection-requests" } });
    expect(server.containers[0].env).toEqual(expect.arrayContaining(STORE_ENV));
    const steps = byName("NetworkPolicy", "fraud-detection-steps").spec;
    expect(steps.podSelector.matchLabels).toEqual({ "app.kubernetes.io/part-of": "fraud-detection", "mlops.dev/role": "step" });
    expect(steps.ingress).toBeUndefined();
  });

  it("gives a postgres source's secret to the steps that read that source only", () => {
    const base = structuredClone(plans.base);
    base.sources.transactions = {
      ...base.sources.transactions!,
      format: "postgres",
      path: "",
      query: "select * from transactions",
      connection: { url: { kind: "secret", name: "warehouse", key: "url" } },
    };
    const pod = baseObjects(renderKubernetes({ base, envs: {} })).find((o) => o.metadata.name === "fraud-detection-train")!.spec.jobTemplate
      .spec.template.spec;
    const withSecret = [...pod.initContainers, ...pod.containers]
      .filter((c: Obj) => c.env.some((e: Obj) => e.name === "MLOPS_SECRET_WAREHOUSE_URL"))
      .map((c: Obj) => c.name);
    expect(withSecret).toEqual(["ingest-transactions"]);
    const ingest = pod.initContainers.find((c: Obj) => c.name === "ingest-transactions");
    expect(ingest.env).toContainEqual({
      name: "MLOPS_SECRET_WAREHOUSE_URL",
      valueFrom: { secretKeyRef: { name: "warehouse", key: "url" } },
    });
  });

  it("keeps the embedded stores on one claim with --stores volume (SQLite without WAL), for a single node", () => {
    const single = renderKubernetes(plans, { stores: "volume", storeClaim: "ml-store" });
    const pod = baseObjects(single).find((o) => o.metadata.name === "fraud-detection-train")!.spec.jobTemplate.spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: "store", persistentVolumeClaim: { claimName: "ml-store" } });
    for (const container of pod.containers) {
      expect(container.env).toContainEqual({ name: "MLOPS_DATABASE_URL", value: "sqlite:/srv/mlops/.mlops/metadata.db?journal=delete" });
      expect(container.volumeMounts).toContainEqual({ name: "store", mountPath: "/srv/mlops/.mlops" });
      expect(container.env.some((e: Obj) => e.valueFrom?.secretKeyRef?.name === "fraud-detection-stores")).toBe(false);
    }
    expect(single.find((f) => f.path === "README.md")!.content).toContain("every pod must run on one node");
    expect(checkObjects(baseObjects(single))).toEqual([]);
  });

  it("lets pods connect to the ports --egress-ports lists (MinIO on 9000), and refuses what is not a port", () => {
    const minio = renderKubernetes(plans, { egressPorts: [5432, 9000] });
    const policies = baseObjects(minio).filter((o) => o.kind === "NetworkPolicy");
    expect(policies.map((p) => p.metadata.name).sort()).toEqual(["fraud-api", "fraud-detection-steps", "fraud-internal"]);
    for (const policy of policies)
      expect(policy.spec.egress.flatMap((rule: Obj) => rule.ports.map((p: Obj) => `${p.protocol}/${p.port}`))).toEqual([
        "UDP/53",
        "TCP/53",
        "TCP/5432",
        "TCP/9000",
      ]);
    expect(checkObjects(baseObjects(minio))).toEqual([]);
    expect(minio.find((f) => f.path === "README.md")!.content).toContain("TCP 5432, 9000 (the stores, webhooks;");
    expect(() => renderKubernetes(plans, { egressPorts: [70000] })).toThrow(/70000 is not a TCP port/);
    expect(() => renderKubernetes(plans, { egressPorts: [] })).toThrow(/at least one port/);
  });

  it("puts the plan in a content-hashed ConfigMap (configMapGenerator) in every namespace that mounts it", () => {
    const kustomization = parseYaml11(files.find((f) => f.path === "base/kustomization.yaml")!.content)[0];
    expect(kustomization.configMapGenerator.map((g: Obj) => [g.name, g.namespace, g.files])).toEqual([
      ["fraud-detection-plan", "risk", ["plan.json"]],
      ["fraud-detection-plan", "risk-internal", ["plan.json"]],
    ]);
    expect(JSON.parse(files.find((f) => f.path === "base/plan.json")!.content)).toEqual(plans.base);
    expect(JSON.parse(files.find((f) => f.path === "overlays/prod/plan.json")!.content)).toEqual(plans.envs.prod);
  });

  it("never uses the default namespace and needs --image when no deployment names one", () => {
    expect(objects.some((o) => o.metadata.namespace === "default")).toBe(false);
    expect(() => renderKubernetes({ base: fixture("iris.plan.json"), envs: {} })).toThrow(/--image/);
    const iris = baseObjects(renderKubernetes({ base: fixture("iris.plan.json"), envs: {} }, { runtimeImage: "r.example.com/mlops:1.0" }));
    expect(new Set(iris.map((o) => o.metadata.namespace))).toEqual(new Set(["iris"]));
    expect(() => renderKubernetes(plans, { namespace: "default" })).toThrow(/default/);
  });

  it("refuses two PriorityClasses in one pod, naming both (a pod has one)", () => {
    const plan = fixture("fraud.base.plan.json");
    plan.steps.find((s) => s.id === "train.fraud_clf")!.execution.priorityClass = "ml-high";
    expect(() => renderKubernetes({ base: plan, envs: {} })).toThrow(/priority classes ml-high and ml-training/);
  });

  it("is deterministic", () => {
    expect(renderKubernetes(fraudPlans())).toEqual(files);
  });

  it("refuses :latest and untagged images, and invalid namespaces", () => {
    const plan = fixture("fraud.base.plan.json");
    const target = plan.deployments.fraud_api!.target as { image: string; namespace: string };
    target.image = "registry.example.com/fraud:latest";
    expect(() => renderKubernetes({ base: plan, envs: {} })).toThrow(RenderError);
    target.image = "registry.example.com/fraud";
    expect(() => renderKubernetes({ base: plan, envs: {} })).toThrow(/no tag/);
    target.image = "registry.example.com/fraud:1";
    target.namespace = "Risk Team";
    expect(() => renderKubernetes({ base: plan, envs: {} })).toThrow(/namespace/);
  });

  it.skipIf(!kubectl)("builds base and every overlay with kubectl kustomize, and each overlay equals the env's own render", () => {
    const root = writeTree(files);
    const withoutPlans = (list: Obj[]) => list.filter((o) => o.kind !== "ConfigMap");
    const base = kustomize(join(root, "base"));
    expect(canonical(withoutPlans(base))).toEqual(canonical(objects.map(withHashedPlan(base))));
    for (const env of ["prod", "staging"] as const) {
      const built = kustomize(join(root, "overlays", env));
      expect(built.map(modelError).filter(Boolean)).toEqual([]);
      expect(checkObjects(built)).toEqual([]);
      const direct = baseObjects(renderKubernetes({ base: plans.envs[env]!, envs: {} }));
      expect(canonical(withoutPlans(built))).toEqual(canonical(direct.map(withHashedPlan(built))));
      const maps = built.filter((o) => o.kind === "ConfigMap");
      for (const map of maps) expect(JSON.parse(map.data["plan.json"])).toEqual(plans.envs[env]);
    }
    const staging = kustomize(join(root, "overlays", "staging"));
    expect(staging.filter((o) => o.kind === "HorizontalPodAutoscaler")).toEqual([]);
    expect(staging.find((o) => o.kind === "Deployment" && o.metadata.name === "fraud-api")!.spec.replicas).toBe(1);
  });
});

/** The rendered object with the plan ConfigMap's name replaced by the hashed name kustomize generated. */
function withHashedPlan(built: Obj[]): (object: Obj) => Obj {
  const hashed = built.find((o) => o.kind === "ConfigMap")!.metadata.name as string;
  return (object) => JSON.parse(JSON.stringify(object).replaceAll('"name":"fraud-detection-plan"', `"name":"${hashed}"`));
}
