/**
 * Strict validation of a KServe InferenceService. No npm package ships KServe's CRD, so
 * `schemas/inferenceservice.v1beta1.schema.json` holds the subset of its schema the renderer may
 * emit, written from the KServe v1beta1 API reference, with every object closed
 * (`additionalProperties: false`). Embedded Kubernetes types (`x-kubernetes`) are checked strictly
 * by kubernetes-models' schema of that name.
 */
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { strictValidate } from "./strict-schema.js";

const schema = JSON.parse(readFileSync(new URL("../schemas/inferenceservice.v1beta1.schema.json", import.meta.url), "utf8"));

type SchemaValidate = (data: unknown) => boolean;
const k8sValidators = new Map<string, SchemaValidate & { errors?: unknown }>();

/** kubernetes-models' compiled schema of a core type, loaded once before validating. */
async function loadK8sType(name: string): Promise<void> {
  if (k8sValidators.has(name)) return;
  const module = name.startsWith("IoK8sApimachinery")
    ? await import(`@kubernetes-models/apimachinery/_schemas/${name}`)
    : await import(`kubernetes-models/_schemas/${name}`);
  k8sValidators.set(name, module.validate);
}

function typesIn(value: unknown, out = new Set<string>()): Set<string> {
  if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      if (key === "x-kubernetes" && typeof item === "string") out.add(item);
      else typesIn(item, out);
    }
  }
  return out;
}

let validator: ((object: unknown) => string[]) | undefined;

export async function loadKServeSchema(): Promise<(object: unknown) => string[]> {
  if (validator) return validator;
  await Promise.all([...typesIn(schema)].map(loadK8sType));
  const embedded: string[] = [];
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
  ajv.addKeyword({
    keyword: "x-kubernetes",
    schemaType: "string",
    validate: (type: string, data: unknown, _schema: unknown, context?: { instancePath: string }) => {
      const fn = k8sValidators.get(type)!;
      const problems = strictValidate(
        function (this: unknown) {
          if (!fn(this) && fn.errors) throw new Error(JSON.stringify(fn.errors));
        },
        data,
        context?.instancePath ?? "",
      );
      embedded.push(...problems);
      return problems.length === 0;
    },
  });
  const validate = ajv.compile(schema);
  validator = (object) => {
    embedded.length = 0;
    const ok = validate(object);
    const errors = ok ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
    return [...errors, ...embedded];
  };
  return validator;
}
