import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { renderKubernetes, RenderError, type RenderedFile } from "@mlops/compiler";
import { describe, expect, it } from "vitest";
import { fixture, fraudPlans } from "./support/fixtures.js";
import { checkObjects, type Obj } from "./support/k8s-rules.js";
import { modelError, parseYaml11 } from "./support/k8s-validate.js";

const kubectl = ["/usr/bin/kubectl", "/usr/local/bin/kubectl"].find((path) => existsSync(path));
if (!kubectl) console.warn("kubectl not found: skipping `kubectl kustomize` checks");

function writeTree(files: RenderedFile[]): string {
  const root = mkdtempSync(join(tmpdir(), "k8s-render-"));
  for (const file of files) {
    mkdirSync(dirname(join(root, file.path)), { recursive: true });
    writeFileSync(join(root, file.path), file.content);
  }
  return root;
}

function baseObjects(files: RenderedFile[]): Obj[] {
  return files.filter((f) => f.path.startsWith("base/") && !f.path.endsWith("kustomization.yaml")).flatMap((f) => parseYaml11(f.content));
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
    const container = api.spec.template.spec.containers[0];
    expect(api.spec.replicas).toBeUndefined(); // the HPA owns the replica count
    expect(container.startupProbe.httpGet).toEqual({ path: "/health/ready", port: "http" });
    expect(container.readinessProbe.httpGet.path).toBe("/health/ready");
    expect(container.livenessProbe.httpGet.path).toBe("/health/live");
    expect(container.resources).toEqual({ requests: { cpu: "500m", memory: "512Mi" }, limits: { cpu: "500m", memory: "512Mi" } });
    expect(container.env).toContainEqual({ name: "DB_URL", valueFrom: { secretKeyRef: { name: "fraud-db", key: "url" } } });
    expect(container.env).toContainEqual({ name: "ORT_INTRA_OP_THREADS", value: "1" });
    const internal = byName("Deployment", "fraud-internal").spec.template.spec.containers[0];
    expect(internal.env).toContainEqual({ name: "ORT_INTRA_OP_THREADS", value: "2" });
    expect(byName("HorizontalPodAutoscaler", "fraud-api").spec).toMatchObject({ minReplicas: 2, maxReplicas: 10 });
    expect(byName("PodDisruptionBudget", "fraud-internal")).toBeDefined();
    expect(byName("Service", "fraud-api").spec.ports[0]).toMatchObject({ port: 8080, targetPort: "http" });
    expect(byName("NetworkPolicy", "fraud-api").spec.ingress).toEqual([{ ports: [{ protocol: "TCP", port: 8080 }] }]);
    expect(objects.filter((o) => o.kind === "HorizontalPodAutoscaler")).toHaveLength(1);
  });

  it("renders a canary as a second Deployment behind the same Service, weights in annotations", () => {
    const canary = byName("Deployment", "fraud-api-canary");
    const service = byName("Service", "fraud-api");
    expect(Object.entries(service.spec.selector).every(([k, v]) => canary.spec.template.metadata.labels[k] === v)).toBe(true);
    expect(canary.metadata.annotations).toMatchObject({
      "mlops.dev/canary-weights": "10%,50%,100%",
      "mlops.dev/canary-replicas": "1,1,2",
      "mlops.dev/canary-interval-seconds": "600",
    });
    expect(canary.spec.replicas).toBe(1);
    expect(canary.spec.template.spec.containers[0].args).toContain("--alias");
  });

  it("renders training as a Job and monitors and batch scoring as CronJobs", () => {
    const job = objects.find((o) => o.kind === "Job")!;
    expect(job.spec.template.spec.containers[0]).toMatchObject({
      command: ["mlops"],
      args: ["run", "/plan/plan.json", "--root", "/srv/mlops"],
    });
    const crons = objects.filter((o) => o.kind === "CronJob");
    expect(crons.map((c) => c.spec.jobTemplate.spec.template.spec.containers[0].args.slice(-2)).sort()).toEqual([
      ["--group", "batch.nightly_scores"],
      ["--group", "monitor.fraud_drift"],
      ["--group", "monitor.latency_watch"],
    ]);
    expect(crons.map((c) => [c.metadata.name, c.spec.schedule, c.spec.concurrencyPolicy]).sort()).toEqual([
      ["fraud-detection-batch-nightly-scores", "30 3 * * *", "Forbid"],
      ["fraud-detection-monitor-fraud-drift", "0 */6 * * *", "Forbid"],
      ["fraud-detection-monitor-latency-watch", "*/15 * * * *", "Forbid"],
    ]);
  });

  it("puts the plan in a ConfigMap in every namespace that mounts it", () => {
    const maps = objects.filter((o) => o.kind === "ConfigMap");
    expect(maps.map((m) => m.metadata.namespace).sort()).toEqual(["risk", "risk-internal"]);
    expect(JSON.parse(maps[0]!.data["plan.json"])).toEqual(plans.base);
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
    const base = kustomize(join(root, "base"));
    expect(canonical(base)).toEqual(canonical(objects));
    for (const env of ["prod", "staging"] as const) {
      const built = kustomize(join(root, "overlays", env));
      expect(built.map(modelError).filter(Boolean)).toEqual([]);
      expect(checkObjects(built)).toEqual([]);
      const direct = baseObjects(renderKubernetes({ base: plans.envs[env]!, envs: {} }));
      expect(canonical(built)).toEqual(canonical(direct));
    }
    const staging = kustomize(join(root, "overlays", "staging"));
    expect(staging.filter((o) => o.kind === "HorizontalPodAutoscaler")).toEqual([]);
    expect(staging.find((o) => o.kind === "Deployment" && o.metadata.name === "fraud-api")!.spec.replicas).toBe(1);
  });
});
