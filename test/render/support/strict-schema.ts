/**
 * Strict schema checks: the OpenAPI validators compiled into kubernetes-models (core kinds) and
 * @kubernetes-models/gateway-api (HTTPRoute) check types, formats and required fields but let
 * unknown fields through, as the schemas do. We run each validator on a recording proxy of the
 * object: a field the validator never reads is not in the schema, so it is an unknown field (the
 * API server would prune it or, with `--validate=strict`, refuse it). Maps (labels, resources) are
 * read by iteration, which marks every key of that object as known.
 */
import { ConfigMap, Service, ServiceAccount } from "kubernetes-models/v1";
import { Deployment } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { CronJob, Job } from "kubernetes-models/batch/v1";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { HTTPRoute } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute";

type Validating = { prototype: { validate(this: unknown): void } };

export const MODELS: Record<string, Validating> = {
  "v1/ConfigMap": ConfigMap,
  "v1/Service": Service,
  "v1/ServiceAccount": ServiceAccount,
  "apps/v1/Deployment": Deployment,
  "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "batch/v1/Job": Job,
  "batch/v1/CronJob": CronJob,
  "networking.k8s.io/v1/NetworkPolicy": NetworkPolicy,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
  "gateway.networking.k8s.io/v1/HTTPRoute": HTTPRoute,
};

interface Reads {
  keys: Set<string>;
  /** The validator enumerated the object: it is a map, every key is known. */
  enumerated: boolean;
}

/** Runs `validate` with `this` = a recording proxy of `data`; returns the schema errors and every unknown field. */
export function strictValidate(validate: (this: unknown) => void, data: unknown, where = ""): string[] {
  const reads = new WeakMap<object, Reads>();
  const proxies = new WeakMap<object, object>();
  const wrap = (value: unknown): unknown => {
    if (value === null || typeof value !== "object") return value;
    let proxy = proxies.get(value);
    if (proxy) return proxy;
    const record: Reads = { keys: new Set(), enumerated: false };
    reads.set(value, record);
    proxy = new Proxy(value, {
      get(target, key, receiver) {
        if (typeof key === "string") record.keys.add(key);
        return wrap(Reflect.get(target, key, receiver));
      },
      has(target, key) {
        if (typeof key === "string") record.keys.add(key);
        return Reflect.has(target, key);
      },
      ownKeys(target) {
        record.enumerated = true;
        return Reflect.ownKeys(target);
      },
    });
    proxies.set(value, proxy);
    return proxy;
  };
  const errors: string[] = [];
  try {
    validate.call(wrap(data));
  } catch (error) {
    errors.push(`${where}: ${(error as Error).message}`);
  }
  const visit = (value: unknown, path: string): void => {
    if (value === null || typeof value !== "object") return;
    const record = reads.get(value);
    if (!record) return void errors.push(`${where}${path}: not described by the schema`);
    if (Array.isArray(value)) return value.forEach((item, i) => visit(item, `${path}[${i}]`));
    for (const [key, item] of Object.entries(value)) {
      if (!record.enumerated && !record.keys.has(key)) errors.push(`${where}${path}.${key}: unknown field`);
      else visit(item, `${path}.${key}`);
    }
  };
  visit(data, "");
  return errors;
}

/** Strict validation of an object of a kind with a model; null when there is none. */
export function strictModelErrors(object: Record<string, any>): string[] | null {
  const Model = MODELS[`${object.apiVersion}/${object.kind}`];
  if (!Model) return null;
  return strictValidate(Model.prototype.validate, object, `${object.kind} ${object.metadata?.namespace}/${object.metadata?.name}`);
}
