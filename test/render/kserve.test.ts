/**
 * The `kserve` target, rendered from a real program (test/render/fixtures/kserve/): both predictors
 * validate strictly against KServe's schema (test/render/schemas/), the base builds with kustomize,
 * and the README's canary patches, applied to the object, give a valid InferenceService serving
 * the canary alias.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { renderKubernetes } from "@mlops/compiler";
import { describe, expect, it } from "vitest";
import { compilePlan, repoRoot } from "../../compiler/test/plan/compile-plan.js";
import { baseObjectFiles } from "./support/fixtures.js";
import { checkObjects, type Obj } from "./support/k8s-rules.js";
import { modelError, parseYaml11 } from "./support/k8s-validate.js";

const kubectl = ["/usr/bin/kubectl", "/usr/local/bin/kubectl"].find((path) => existsSync(path));

type Patch = { op: "add" | "replace" | "remove"; path: string; value?: unknown };

/** RFC 6902 add / replace / remove, and a JSON merge patch: what the README's `kubectl patch` lines do. */
function applyPatch(object: Obj, patch: Patch[] | Obj): Obj {
  const copy = structuredClone(object);
  if (!Array.isArray(patch)) return merge(copy, patch);
  for (const { op, path, value } of patch) {
    const keys = path.split("/").slice(1);
    const last = keys.pop()!;
    const parent = keys.reduce((at: Obj, key: string) => at[key] as Obj, copy);
    if (op !== "add" && !(last in parent)) throw new Error(`${op} ${path}: nothing there`);
    if (op === "remove") delete parent[last];
    else parent[last] = value;
  }
  return copy;
}

function merge(target: Obj, patch: Obj): Obj {
  for (const [key, value] of Object.entries(patch)) {
    if (value && typeof value === "object" && !Array.isArray(value)) target[key] = merge(target[key] ?? {}, value as Obj);
    else target[key] = value;
  }
  return target;
}

/** The `-p '...'` of every README line patching `name`, in order. */
function patchesOf(readme: string, name: string): Array<Patch[] | Obj> {
  return [...readme.matchAll(new RegExp(`patch inferenceservice ${name} --type=(?:json|merge) -p '([^']*)'`, "g"))].map((m) =>
    JSON.parse(m[1]!),
  );
}

describe("KServe InferenceServices", () => {
  const plan = compilePlan(join(repoRoot, "test/render/fixtures/kserve/iris-kserve.mlops"));
  const files = renderKubernetes({ base: plan, envs: {} });
  const objects: Obj[] = baseObjectFiles(files).flatMap((f) => parseYaml11(f.content));
  const service = (name: string) => objects.find((o) => o.kind === "InferenceService" && o.metadata.name === name)!;
  const readme = files.find((f) => f.path === "README.md")!.content;

  it("validate strictly (KServe's schema, kubernetes-models for the rest) and pass the rules", () => {
    expect(objects.filter((o) => o.kind === "InferenceService").map((o) => o.metadata.name)).toEqual(["species-api", "species-onnx"]);
    expect(checkObjects(objects)).toEqual([]);
    expect(
      objects
        .filter((o) => o.kind !== "InferenceService")
        .map(modelError)
        .filter(Boolean),
    ).toEqual([]);
  });

  it("serves a model exported to storage_uri with KServe's ONNX runtime, and says how it gets there", () => {
    const predictor = service("species-onnx").spec.predictor;
    expect(predictor.model).toMatchObject({ modelFormat: { name: "onnx" }, protocolVersion: "v2", storageUri: "s3://models/iris/species" });
    expect(predictor).not.toHaveProperty("containers");
    expect(predictor).toMatchObject({ minReplicas: 0, maxReplicas: 4 });
    expect(readme).toContain("mlops models export species_clf@production -o s3://models/iris/species\n");
  });

  it("gives KServe's storage initializer the stores Secret's keys for an s3:// storage_uri, and says how to name an endpoint", () => {
    const account = (name: string) => objects.find((o) => o.kind === "ServiceAccount" && o.metadata.name === name)!;
    expect(service("species-onnx").spec.predictor.serviceAccountName).toBe("species-onnx");
    expect(account("species-onnx").secrets).toEqual([{ name: "iris-kserve-stores" }]);
    expect(account("species-api")).not.toHaveProperty("secrets");
    expect(readme).toContain("kubectl -n botany annotate secret iris-kserve-stores serving.kserve.io/s3-endpoint=");
    const volume = renderKubernetes({ base: plan, envs: {} }, { stores: "volume" });
    const volumeAccount = baseObjectFiles(volume)
      .flatMap((f) => parseYaml11(f.content))
      .find((o) => o.kind === "ServiceAccount" && o.metadata.name === "species-onnx")!;
    expect(volumeAccount).not.toHaveProperty("secrets");
  });

  it("runs mlops serve as a custom predictor otherwise, with no standing canary share", () => {
    const predictor = service("species-api").spec.predictor;
    const [container] = predictor.containers;
    expect(container.command).toEqual(["mlops"]);
    expect(container.args.slice(0, 1)).toEqual(["serve"]);
    expect(container.args.slice(-2)).toEqual(["--alias", "production"]);
    expect(container.readinessProbe.httpGet).toEqual({ path: "/v2/health/ready", port: 8080 });
    expect(container.env).toContainEqual({ name: "MLOPS_REQUEST_LOG_WRITER", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } });
    // a standing canaryTrafficPercent would hold any later change of the object (a new plan) at 10%
    expect(predictor).not.toHaveProperty("canaryTrafficPercent");
    expect(service("species-api").metadata.annotations["mlops.dev/canary-percents"]).toBe("10,50,100");
  });

  it("the README's canary patches start a revision serving the canary alias, step it, and end with one serving production", () => {
    const patches = patchesOf(readme, "species-api");
    expect(patches).toHaveLength(5); // start at 10%, 50%, 100%, back to production, abort to 0%
    const steps: Obj[] = [];
    let current = service("species-api");
    for (const patch of patches.slice(0, 4)) {
      current = applyPatch(current, patch);
      steps.push(current);
      expect(checkObjects([current])).toEqual([]);
    }
    expect(steps.slice(0, 3).map((o) => [o.spec.predictor.containers[0].args.at(-1), o.spec.predictor.canaryTrafficPercent])).toEqual([
      ["canary", 10],
      ["canary", 50],
      ["canary", 100],
    ]);
    expect(steps[3]!.spec.predictor.containers[0].args.at(-1)).toBe("production");
    expect(steps[3]!.spec.predictor).not.toHaveProperty("canaryTrafficPercent");
    expect(applyPatch(steps[0]!, patches[4]!).spec.predictor.canaryTrafficPercent).toBe(0);
    expect(readme).toContain("mlops rollout promote species_api");
    expect(readme).toContain("mlops rollout abort species_api");
  });

  it.skipIf(!kubectl)("builds with kubectl kustomize", () => {
    const root = mkdtempSync(join(tmpdir(), "kserve-render-"));
    for (const file of files) {
      mkdirSync(dirname(join(root, file.path)), { recursive: true });
      writeFileSync(join(root, file.path), file.content);
    }
    const built = spawnSync(kubectl!, ["kustomize", join(root, "base")], { encoding: "utf8" });
    expect(built.status, built.stderr).toBe(0);
    expect(parseYaml11(built.stdout).filter((o: Obj) => o.kind === "InferenceService")).toHaveLength(2);
  });
});
