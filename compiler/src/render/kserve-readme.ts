/**
 * The Kubernetes README's KServe section: how each InferenceService gets its model and how a new
 * version reaches it. A custom predictor (`mlops serve`) follows the `production` alias by itself;
 * a canary is a second revision serving the `canary` alias, started, stepped and ended with the
 * `kubectl patch` lines written here. KServe's ONNX runtime serves a file, not an alias: the model
 * is exported to `storage_uri` and a new version is a new folder there.
 */
import type { Json, KubeObject } from "./k8s-common.js";

function predictorOf(object: KubeObject): Json {
  return ((object.spec as Json).predictor ?? {}) as Json;
}

function patchLine(ns: string, name: string, kind: "json" | "merge", patch: unknown): string {
  return `    kubectl -n ${ns} patch inferenceservice ${name} --type=${kind} -p '${JSON.stringify(patch)}'`;
}

/** The JSON-patch path of the value after `--alias` in the predictor's container args. */
function aliasArgPath(predictor: Json): string | undefined {
  const container = ((predictor.containers as Json[] | undefined) ?? [])[0];
  const args = (container?.args as string[] | undefined) ?? [];
  const at = args.indexOf("--alias");
  return at < 0 ? undefined : `/spec/predictor/containers/0/args/${at + 1}`;
}

function customPredictorLines(object: KubeObject, ns: string, name: string, deployment: string, percents: string[]): string[] {
  const lines = [
    `\`${ns}/${name}\` runs \`mlops serve\` as a custom predictor: it serves the registry alias \`production\` and follows`,
    "its moves by itself (a new version passing the gate is served without a new revision).",
  ];
  const aliasPath = aliasArgPath(predictorOf(object));
  if (percents.length === 0 || aliasPath === undefined) return lines;
  const interval = object.metadata.annotations?.["mlops.dev/canary-interval-seconds"];
  const [first, ...rest] = percents;
  lines.push(
    "",
    `Its canary (every ${interval}s): after the deploy step points \`canary\` at the new version, start a revision serving it`,
    "(KServe sends it the given share, the previous revision the rest):",
    "",
    patchLine(ns, name, "json", [
      { op: "replace", path: aliasPath, value: "canary" },
      { op: "add", path: "/spec/predictor/canaryTrafficPercent", value: Number(first) },
    ]),
    ...rest.map((percent) => patchLine(ns, name, "merge", { spec: { predictor: { canaryTrafficPercent: Number(percent) } } })),
    "",
    `then \`mlops rollout promote ${deployment}\` (production := the canary version; both revisions now serve it) and back to`,
    "one revision serving production:",
    "",
    patchLine(ns, name, "json", [
      { op: "replace", path: aliasPath, value: "production" },
      { op: "remove", path: "/spec/predictor/canaryTrafficPercent" },
    ]),
    "",
    `To abort: send all traffic back to the previous revision with this patch, run \`mlops rollout abort ${deployment}\`, then`,
    "apply the same last patch:",
    "",
    patchLine(ns, name, "merge", { spec: { predictor: { canaryTrafficPercent: 0 } } }),
  );
  return lines;
}

function onnxRuntimeLines(
  object: KubeObject,
  ns: string,
  name: string,
  model: string,
  percents: string[],
  secret: string | undefined,
): string[] {
  const storageUri = String((predictorOf(object).model as Json).storageUri).replace(/\/+$/, "");
  const lines = [
    `\`${ns}/${name}\` is served by KServe's ONNX runtime from \`${storageUri}\`: the model graph (raw columns in), not an alias.`,
    "Export the production version there before applying it; a new version goes to a folder of its own, and moving",
    "`storageUri` there starts a new revision (`mlops models export` writes to `s3://` with the `AWS_*` settings):",
    "",
    ...(storageUri.startsWith("s3://")
      ? [`    mlops models export ${model}@production -o ${storageUri}`, `    mlops models export ${model}:N -o ${storageUri}-vN`]
      : [
          `    mlops models export ${model}@production -o out/${name}   # then copy out/${name}/ to ${storageUri}/`,
          `    mlops models export ${model}:N -o out/${name}-vN         # then copy it to ${storageUri}-vN/`,
        ]),
    `    kubectl -n ${ns} patch inferenceservice ${name} --type=merge -p '${JSON.stringify({ spec: { predictor: { model: { storageUri: `${storageUri}-vN` } } } })}'`,
  ];
  if (storageUri.startsWith("s3://") && secret)
    lines.push(
      "",
      `KServe's storage initializer reads the bucket with the keys of the Secret \`${ns}/${secret}\` (listed on the`,
      `predictor's ServiceAccount: \`AWS_ACCESS_KEY_ID\`, \`AWS_SECRET_ACCESS_KEY\`). For storage other than AWS S3, give it the`,
      "endpoint the way KServe reads it, as annotations:",
      "",
      `    kubectl -n ${ns} annotate secret ${secret} serving.kserve.io/s3-endpoint=minio.example.com:9000 serving.kserve.io/s3-usehttps=1 serving.kserve.io/s3-region=us-east-1`,
    );
  if (percents.length > 0)
    lines.push(
      "",
      `For its canary, export \`${model}@canary\` to a new folder and set \`canaryTrafficPercent\` (${percents.join(", ")}) in the`,
      "same patch as the new `storageUri`; remove it once the new revision has all traffic (0 sends it all back).",
    );
  return lines;
}

export function kserveSection(objects: KubeObject[]): string[] {
  const services = objects.filter((o) => o.kind === "InferenceService");
  if (services.length === 0) return [];
  const lines = ["", "## KServe", ""];
  for (const object of services) {
    const ns = object.metadata.namespace;
    const name = object.metadata.name;
    const a = object.metadata.annotations ?? {};
    const percents = a["mlops.dev/canary-percents"] ? a["mlops.dev/canary-percents"].split(",") : [];
    const deployment = a["mlops.dev/deployment"] ?? name;
    const model = a["mlops.dev/model"] ?? name;
    const predictor = predictorOf(object);
    lines.push(
      ...(predictor.model
        ? onnxRuntimeLines(object, ns, name, model, percents, storageSecret(objects, object))
        : customPredictorLines(object, ns, name, deployment, percents)),
      "",
    );
  }
  return lines.slice(0, -1);
}

/** The Secret the predictor's ServiceAccount lists for KServe's storage initializer, if any. */
function storageSecret(objects: KubeObject[], service: KubeObject): string | undefined {
  const accountName = predictorOf(service).serviceAccountName;
  const account = objects.find(
    (o) => o.kind === "ServiceAccount" && o.metadata.name === accountName && o.metadata.namespace === service.metadata.namespace,
  );
  return ((account?.secrets as Array<{ name: string }> | undefined) ?? [])[0]?.name;
}
