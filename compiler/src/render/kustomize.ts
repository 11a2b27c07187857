import type { Plan } from "../plan/types.js";
import { hashComment } from "./header.js";
import type { KubeObject } from "./k8s-objects.js";
import { toYaml } from "./yaml-out.js";

/** One JSON Patch (RFC 6902) operation. */
export type PatchOp = { op: "add" | "replace"; path: string; value: unknown } | { op: "remove"; path: string };

function pointer(path: string[]): string {
  return path.map((part) => `/${part.replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The JSON Patch that turns `from` into `to`: objects key by key, equal-length arrays item by item, anything else replaced. */
export function jsonDiff(from: unknown, to: unknown, path: string[] = []): PatchOp[] {
  if (sameJson(from, to)) return [];
  if (isRecord(from) && isRecord(to)) {
    const ops: PatchOp[] = [];
    const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
    for (const key of keys) {
      if (!(key in to)) ops.push({ op: "remove", path: pointer([...path, key]) });
      else if (!(key in from)) ops.push({ op: "add", path: pointer([...path, key]), value: to[key] });
      else ops.push(...jsonDiff(from[key], to[key], [...path, key]));
    }
    return ops;
  }
  if (Array.isArray(from) && Array.isArray(to) && from.length === to.length) {
    return from.flatMap((item, index) => jsonDiff(item, to[index], [...path, String(index)]));
  }
  return [{ op: "replace", path: pointer(path), value: to }];
}

export function objectKey(object: KubeObject): string {
  return `${object.metadata.namespace}/${object.kind}/${object.metadata.name}`;
}

/** Path of an object's file under `base/` (or an overlay): `<namespace>/<kind>-<name>.yaml`. */
export function objectFile(object: KubeObject): string {
  return `${object.metadata.namespace}/${object.kind.toLowerCase()}-${object.metadata.name}.yaml`;
}

function patchTarget(object: KubeObject): Record<string, string> {
  const [group, version] = object.apiVersion.includes("/") ? object.apiVersion.split("/") : ["", object.apiVersion];
  return {
    ...(group ? { group: group! } : {}),
    version: version!,
    kind: object.kind,
    name: object.metadata.name,
    namespace: object.metadata.namespace,
  };
}

export function objectYaml(plan: Plan, hash: string, object: KubeObject): string {
  return toYaml(object, hashComment(plan, hash));
}

export function kustomization(plan: Plan, hash: string, body: Record<string, unknown>): string {
  return toYaml({ apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", ...body }, hashComment(plan, hash));
}

export interface Overlay {
  files: Array<{ path: string; content: string }>;
  /** Summary for the README: objects patched, added and removed. */
  patched: string[];
  added: string[];
  removed: string[];
}

/** The overlay that turns the base objects into the env's objects. */
export function overlay(
  envPlan: Plan,
  envHash: string,
  base: KubeObject[],
  env: KubeObject[],
  extra: Record<string, unknown> = {},
): Overlay {
  const baseByKey = new Map(base.map((object) => [objectKey(object), object]));
  const envByKey = new Map(env.map((object) => [objectKey(object), object]));
  const files: Overlay["files"] = [];
  const resources = ["../../base"];
  const patches: Array<{ path: string; target: Record<string, string> }> = [];
  const result: Overlay = { files, patched: [], added: [], removed: [] };
  for (const object of env) {
    const before = baseByKey.get(objectKey(object));
    if (!before) {
      const path = `resources/${objectFile(object)}`;
      resources.push(path);
      files.push({ path, content: objectYaml(envPlan, envHash, object) });
      result.added.push(objectKey(object));
      continue;
    }
    const ops = jsonDiff(before, object);
    if (ops.length === 0) continue;
    const path = `patches/${objectFile(object)}`;
    patches.push({ path, target: patchTarget(object) });
    files.push({ path, content: toYaml(ops, hashComment(envPlan, envHash)) });
    result.patched.push(objectKey(object));
  }
  for (const object of base) {
    if (envByKey.has(objectKey(object))) continue;
    const path = `deletions/${objectFile(object)}`;
    const deletion = {
      apiVersion: object.apiVersion,
      kind: object.kind,
      metadata: { name: object.metadata.name, namespace: object.metadata.namespace },
      $patch: "delete",
    };
    patches.push({ path, target: patchTarget(object) });
    files.push({ path, content: toYaml(deletion, hashComment(envPlan, envHash)) });
    result.removed.push(objectKey(object));
  }
  files.unshift({
    path: "kustomization.yaml",
    content: kustomization(envPlan, envHash, { resources, ...extra, ...(patches.length > 0 ? { patches } : {}) }),
  });
  return result;
}
