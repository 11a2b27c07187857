import { PositionEncoding, Workspace } from "@astral-sh/ruff-wasm-nodejs";
import { renderAirflow, renderDocker, renderKubernetes, RenderError, type RenderedFile } from "@mlops/compiler";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Plan } from "../../compiler/src/plan/types.js";
import { HOSTILE } from "./support/hostile.js";
import { baseObjectFiles, composeExpand, fixture, kubeletExpand } from "./support/fixtures.js";
import { dockerfileProblems, execFormArgs } from "./support/docker-rules.js";
import { planGraph, recordedGraph, taskStep } from "./support/graph.js";
import { renderJinja } from "./support/jinja.js";
import { checkObjects, type Obj } from "./support/k8s-rules.js";
import { modelError, parseYaml11 } from "./support/k8s-validate.js";
import { hasPython, pyYamlLoad, runDags, type Recorded } from "./support/python.js";
import { DockerfileParser } from "dockerfile-ast";

/** Every user-controlled string of the fixture that the renderers must carry exactly. */
interface Carried {
  pipeline: string;
  owner: string;
  tag: string;
  description: string;
  doc: string;
  deployment: string;
  dockerDeployment: string;
  monitor: string;
  model: string;
  image: string;
  dockerImage: string;
  envValue: string;
  dockerEnvValue: string;
  trainerEnvValue: string;
  path: string;
}

function renameSteps(plan: Plan, rename: (id: string) => string, regroup: (group: string) => string): void {
  for (const step of plan.steps) {
    step.id = rename(step.id);
    step.needs = step.needs.map(rename);
    step.group = regroup(step.group);
  }
}

/** The fixture with every carried string replaced, renamed consistently through the plan. */
function hostilePlan(v: Carried): Plan {
  const plan = fixture("fraud.base.plan.json");
  plan.pipeline = { ...plan.pipeline, name: v.pipeline, owner: v.owner, tags: ["finance", v.tag], description: v.description, doc: v.doc };
  plan.sources.transactions!.path = v.path;
  const rename = (map: Record<string, { name: string }>, from: string, to: string) => {
    const item = map[from]!;
    delete map[from];
    item.name = to;
    // an own property even for `__proto__` (as JSON.parse makes it), not a prototype change
    Object.defineProperty(map, to, { value: item, enumerable: true, writable: true, configurable: true });
  };
  rename(plan.deployments, "fraud_api", v.deployment);
  rename(plan.deployments, "fraud_docker", v.dockerDeployment);
  rename(plan.monitors, "fraud_drift", v.monitor);
  plan.monitors[v.monitor]!.deployment = v.deployment;
  rename(plan.models, "fraud_ext", v.model);
  const stepRenames: Record<string, string> = {
    "deploy.fraud_api": `deploy.${v.deployment}`,
    "monitor.fraud_drift": `monitor.${v.monitor}`,
    "train.fraud_ext": `train.${v.model}`,
  };
  renameSteps(
    plan,
    (id) => stepRenames[id] ?? id,
    (group) => (group === "monitor.fraud_drift" ? `monitor.${v.monitor}` : group),
  );
  for (const step of plan.steps) {
    if (step.subject.kind === "deployment" && step.subject.name === "fraud_api") step.subject.name = v.deployment;
    if (step.subject.kind === "monitor" && step.subject.name === "fraud_drift") step.subject.name = v.monitor;
    if (step.subject.kind === "model" && step.subject.name === "fraud_ext") step.subject.name = v.model;
  }
  const api = plan.deployments[v.deployment]!;
  (api.target as { image: string }).image = v.image;
  api.envVars.LOG_LEVEL = { kind: "literal", value: v.envValue };
  const docker = plan.deployments[v.dockerDeployment]!;
  (docker.target as { image: string }).image = v.dockerImage;
  docker.envVars.REGION = { kind: "literal", value: v.dockerEnvValue };
  const trainer = plan.models[v.model]!.trainer as { env: Record<string, { kind: "literal"; value: string }> };
  trainer.env.MODE = { kind: "literal", value: v.trainerEnvValue };
  return plan;
}

/** Strings a plan can hold: a .mlops file is UTF-8, so no lone surrogates (those are rejected, tested below). */
const WELL_FORMED = HOSTILE.filter((s) => !/[\uD800-\uDFFF]/.test(s) || /^(?:[\uD800-\uDBFF][\uDC00-\uDFFF]|[^\uD800-\uDFFF])*$/.test(s));
const pieces = [...WELL_FORMED, "a", " ", "-", "_", "."];
const hostile = fc.oneof(
  fc.constantFrom(...WELL_FORMED),
  fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 6 }).map((parts) => parts.join("")),
  fc.string({ unit: "binary", maxLength: 12 }).filter((s) => !/[\uD800-\uDFFF]/.test(s)),
);
const tagged = hostile.map((s) => `${s}:1.0`);

const carried: fc.Arbitrary<Carried> = fc
  .record({
    pipeline: hostile,
    owner: hostile,
    tag: hostile,
    description: hostile,
    doc: hostile,
    deployment: hostile,
    dockerDeployment: hostile,
    monitor: hostile,
    model: hostile,
    image: tagged,
    dockerImage: tagged,
    envValue: hostile,
    dockerEnvValue: hostile,
    trainerEnvValue: hostile,
    path: hostile,
  })
  .filter(
    (v) =>
      new Set([v.deployment, v.dockerDeployment, "fraud_internal", "fraud_local", "nightly_scores"]).size === 5 && v.model !== "fraud_clf",
  );

const linter = new Workspace({ lint: { select: ["E9", "F", "AIR"], preview: true }, "target-version": "py39" }, PositionEncoding.Utf16);

function headerName(content: string): string {
  const line = content.split("\n").find((l) => l.includes("generated from"))!;
  return JSON.parse(/generated from (".*"), plan [0-9a-f]{64}/.exec(line)![1]!) as string;
}

const parsed = new Map<string, Obj[]>();

/** parseYaml11, remembered per text: the in-process checks and the PyYAML comparison read the same files. */
function parse(text: string): Obj[] {
  let docs = parsed.get(text);
  if (!docs) parsed.set(text, (docs = parseYaml11(text)));
  return docs;
}

function yamlFiles(files: RenderedFile[]): RenderedFile[] {
  return files.filter((f) => f.path.endsWith(".yaml"));
}

interface Case {
  v: Carried;
  plan: Plan;
  airflow: RenderedFile[];
  kubernetes: RenderedFile[];
  docker: RenderedFile[];
}

function renderCase(v: Carried): Case {
  const plan = hostilePlan(v);
  return { v, plan, airflow: renderAirflow(plan), kubernetes: renderKubernetes({ base: plan, envs: {} }), docker: renderDocker(plan) };
}

function dagSources(c: Case): Record<string, string> {
  return Object.fromEntries(c.airflow.filter((f) => f.path.endsWith(".py")).map((f) => [f.path, f.content]));
}

/** The checks that run in this process: lint, YAML (yaml package), Kubernetes and Dockerfile rules, exact values. */
function checkInProcess(c: Case): void {
  const { v, plan } = c;
  for (const [path, source] of Object.entries(dagSources(c))) {
    expect(linter.check(source).map((d: { code: string | null; message: string }) => `${path}: ${d.code} ${d.message}`)).toEqual([]);
    expect(headerName(source)).toBe(v.pipeline);
  }
  for (const file of yamlFiles([...c.airflow, ...c.kubernetes, ...c.docker])) expect(headerName(file.content)).toBe(v.pipeline);

  const objects = baseObjectFiles(c.kubernetes).flatMap((f) => parse(f.content));
  expect(objects.map(modelError).filter(Boolean)).toEqual([]);
  expect(checkObjects(objects)).toEqual([]);
  const deployments = objects.filter((o) => o.kind === "Deployment" && o.metadata.annotations["mlops.dev/deployment"] === v.deployment);
  expect(deployments).toHaveLength(2); // stable and canary
  for (const deployment of deployments) {
    expect(deployment.metadata.annotations).toMatchObject({
      "mlops.dev/pipeline": v.pipeline,
      "mlops.dev/owner": v.owner,
      "mlops.dev/tags": JSON.stringify(["finance", v.tag]),
    });
    const container = deployment.spec.template.spec.containers[0];
    expect(container.image).toBe(v.image);
    const args = container.args.map(kubeletExpand);
    expect(args[args.indexOf("--deployment") + 1]).toBe(v.deployment);
    expect(kubeletExpand(container.env.find((e: Obj) => e.name === "LOG_LEVEL").value)).toBe(v.envValue);
    expect(container.env.find((e: Obj) => e.name === "DB_URL")).toEqual({
      name: "DB_URL",
      valueFrom: { secretKeyRef: { name: "fraud-db", key: "url" } },
    });
  }
  expect(objects.some((o) => o.kind === "CronJob" && o.metadata.annotations["mlops.dev/monitor"] === v.monitor)).toBe(true);
  expect(JSON.parse(c.kubernetes.find((f) => f.path === "base/plan.json")!.content)).toEqual(plan);

  const content = (path: string) => c.docker.find((f) => f.path === path)!.content;
  expect(dockerfileProblems(content("Dockerfile"))).toEqual([]);
  const cmd = execFormArgs(DockerfileParser.parse(content("Dockerfile")).getCMDs()[0]!)!;
  expect([v.dockerDeployment, "fraud_local"]).toContain(cmd[cmd.indexOf("--deployment") + 1]);
  const [compose] = parse(content("compose.yaml"));
  const services = Object.values(compose!.services as Record<string, Obj>);
  const docker = services.find((s) => composeExpand(s.command[s.command.indexOf("--deployment") + 1]) === v.dockerDeployment)!;
  expect(composeExpand(docker.image)).toBe(v.dockerImage);
  expect(composeExpand(docker.environment.REGION)).toBe(v.dockerEnvValue);
  expect(docker.environment).not.toHaveProperty("API_KEY");
  for (const service of services) for (const value of Object.values(service.environment as Record<string, string>)) composeExpand(value);
  expect(JSON.parse(content("plan.json"))).toEqual(plan);
}

/** The checks that need python3, batched into one run of the Airflow stub and one of PyYAML for all cases. */
function checkWithPython(cases: Case[]): void {
  if (!hasPython) return;
  const dagFiles: Record<string, string> = {};
  cases.forEach((c, i) => Object.entries(dagSources(c)).forEach(([path, source]) => (dagFiles[`${i}/${path}`] = source)));
  const recorded = runDags(dagFiles);
  const yaml = cases.flatMap((c) => yamlFiles([...c.airflow, ...c.kubernetes, ...c.docker]));
  const loaded = pyYamlLoad(yaml.map((f) => f.content));
  yaml.forEach((file, i) => expect(loaded[i], `PyYAML reading ${file.path}`).toEqual(parse(file.content)));
  parsed.clear();
  cases.forEach((c, i) => {
    const { v, plan } = c;
    const dags = Object.entries(recorded)
      .filter(([path]) => path.startsWith(`${i}/`))
      .flatMap(([path, result]) => {
        expect(result, `${JSON.stringify(v)} ${path}`).not.toHaveProperty("error");
        return result as Recorded[];
      });
    expect(recordedGraph(plan, dags)).toEqual(planGraph(plan));
    for (const dag of dags) {
      expect(dag.kwargs.default_args).toMatchObject({ owner: v.owner });
      expect(dag.kwargs.tags).toEqual(["mlops", "finance", v.tag]);
      expect((dag.kwargs.description as string).startsWith(`${v.description} (`)).toBe(true);
      expect(renderJinja(dag.kwargs.doc_md as string)).toBe(v.doc);
    }
    const tasks = new Map(dags.flatMap((dag) => Object.values(dag.tasks).map((kwargs) => [taskStep(kwargs), kwargs])));
    // literal values (the stores' settings come from the stores Secret, a reference)
    const env = (step: string) =>
      Object.fromEntries(
        (tasks.get(step)!.env_vars as Array<{ fields: { name: string; value?: string } }>)
          .filter((e) => e.fields.value !== undefined)
          .map((e) => [e.fields.name, kubeletExpand(e.fields.value!)]),
      );
    // Secrets and env go to the steps that need them: the deploy step gets neither the server's env nor its secrets.
    expect(env(`deploy.${v.deployment}`)).toEqual({ MLOPS_LOGICAL_DATE: "2024-01-02T00:00:00+00:00" });
    const trainer = (tasks.get(`train.${v.model}`)!.init_containers as Array<{ fields: Obj }>)[1]!.fields;
    expect(kubeletExpand(trainer.env.find((e: Obj) => e.fields.name === "MODE").fields.value)).toBe(v.trainerEnvValue);
    expect(tasks.get(`monitor.${v.monitor}`)!.secrets).toEqual([]);
  });
}

const FIELDS = [
  "pipeline",
  "owner",
  "tag",
  "description",
  "doc",
  "deployment",
  "dockerDeployment",
  "monitor",
  "model",
  "image",
  "dockerImage",
  "envValue",
  "dockerEnvValue",
  "trainerEnvValue",
  "path",
] as const;

/** Every hostile string in every field: case k puts HOSTILE[(k + i) % n] in field i. */
function rotations(): Carried[] {
  return WELL_FORMED.map((_, k) => {
    const pick = (i: number) => WELL_FORMED[(k + i) % WELL_FORMED.length]!;
    const v = Object.fromEntries(FIELDS.map((field, i) => [field, pick(i)])) as unknown as Carried;
    v.image = `${v.image}:1.0`;
    v.dockerImage = `${v.dockerImage}:2.0`;
    v.deployment = `${v.deployment}api`;
    v.dockerDeployment = `${v.dockerDeployment}docker`;
    v.model = `${v.model}m`;
    return v;
  });
}

describe("hostile strings in every user-controlled field", () => {
  it("every hostile string in every field: artifacts parse, pass their checks and carry the exact values", () => {
    const cases = rotations().map(renderCase);
    for (const c of cases) checkInProcess(c);
    checkWithPython(cases);
  }, 900_000); // every rotation rendered and checked three ways: minutes on a loaded 2-core machine

  it("random hostile strings (property): the same holds", () => {
    const seen: Case[] = [];
    fc.assert(
      fc.property(carried, (v) => {
        const c = renderCase(v);
        checkInProcess(c);
        if (seen.length < 30) seen.push(c);
      }),
      { numRuns: 25 },
    );
    checkWithPython(seen);
  }, 900_000);
});

describe("values Kubernetes cannot carry are rejected with an error naming them", () => {
  const cases: Array<[string, (plan: Plan, s: string) => void, RegExp]> = [
    ["namespace", (plan, s) => ((plan.deployments.fraud_api!.target as { namespace: string }).namespace = s), /namespace/],
    ["image", (plan, s) => ((plan.deployments.fraud_api!.target as { image: string }).image = s), /image/],
    ["secret name", (plan, s) => (plan.deployments.fraud_api!.envVars.DB_URL = { kind: "secret", name: s, key: "url" }), /secret name/],
    ["secret key", (plan, s) => (plan.deployments.fraud_api!.envVars.DB_URL = { kind: "secret", name: "fraud-db", key: s }), /secret key/],
  ];
  it.each(cases)("%s", (_, set, message) => {
    fc.assert(
      fc.property(hostile, (s) => {
        const plan = fixture("fraud.base.plan.json");
        set(plan, s);
        let files: RenderedFile[];
        try {
          files = renderKubernetes({ base: plan, envs: {} });
        } catch (error) {
          expect(error).toBeInstanceOf(RenderError);
          expect((error as Error).message).toMatch(message);
          expect((error as Error).message).toContain(JSON.stringify(s));
          return;
        }
        const objects = baseObjectFiles(files).flatMap((f) => parseYaml11(f.content));
        expect(checkObjects(objects)).toEqual([]);
        expect(JSON.stringify(objects)).toContain(JSON.stringify(s).slice(1, -1));
      }),
      { numRuns: 60 },
    );
  });
});

describe("ill-formed Unicode", () => {
  it("is rejected with an error naming where it is", () => {
    const plan = fixture("fraud.base.plan.json");
    plan.pipeline.owner = "risk\ud800";
    for (const render of [() => renderAirflow(plan), () => renderKubernetes({ base: plan, envs: {} }), () => renderDocker(plan)]) {
      expect(render).toThrow(RenderError);
      expect(render).toThrow(/plan\.pipeline\.owner/);
    }
  });
});

describe("secrets", () => {
  it("appear only as references: secretKeyRef, Airflow Secret, a compose env_file", () => {
    const plan = fixture("fraud.base.plan.json");
    const secretEnv = new Set(["DB_URL", "API_KEY", "HF_TOKEN"]);
    const k8s = baseObjectFiles(renderKubernetes({ base: plan, envs: {} })).flatMap((f) => parseYaml11(f.content));
    for (const object of k8s) {
      const pod = object.spec?.template?.spec ?? object.spec?.jobTemplate?.spec?.template?.spec ?? {};
      const containers = [...(pod.initContainers ?? []), ...(pod.containers ?? [])];
      for (const env of containers.flatMap((c: Obj) => c.env ?? [])) {
        if (secretEnv.has(env.name)) expect(env).toEqual({ name: env.name, valueFrom: { secretKeyRef: expect.any(Object) } });
      }
      // Secret names appear nowhere but in references (and the plan, which holds references only).
      const text = JSON.stringify({ ...object, data: undefined }).replace(/"secretKeyRef":\{[^}]*\}/g, "");
      expect(text).not.toContain("fraud-db");
      expect(text).not.toMatch(/"hf"/);
    }
    const [compose] = parseYaml11(renderDocker(plan).find((f) => f.path === "compose.yaml")!.content);
    for (const service of Object.values(compose!.services as Record<string, Obj>)) {
      for (const name of secretEnv) expect(service.environment).not.toHaveProperty(name);
    }
    expect(JSON.stringify(compose)).not.toContain('fraud-api"');
    for (const file of renderAirflow(plan).filter((f) => f.path.endsWith(".py"))) {
      for (const line of file.content.split("\n")) {
        if (line.includes('"fraud-db"') || line.includes('"hf"'))
          expect(line.trim()).toMatch(/^(secrets=)?\[?Secret\("env", |^\{"HF_TOKEN": \("hf", "token"\)\},$/);
      }
    }
  });
});
