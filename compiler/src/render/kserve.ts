/**
 * A `kserve` deployment: one KServe `InferenceService` (serving.kserve.io/v1beta1).
 * With `storage_uri`, KServe's own ONNX runtime serves the self-contained model exported there
 * (`modelFormat: onnx`, V2 protocol). Without it, a custom predictor runs `mlops serve`, which
 * speaks the same V2 protocol. The object is the steady state (one revision serving production);
 * a canary rollout is a revision serving the canary (KServe splits traffic between the previous and
 * the latest revision by `canaryTrafficPercent`), started and ended by the patches the README lists
 * (`kserve-readme.ts`): a standing `canaryTrafficPercent` would hold back any later change of the
 * object, a new plan included, at the first step's share.
 */
import type { DeploymentSpec, Plan } from "../plan/types.js";
import { kubeletLiteral } from "./escape.js";
import {
  annotations,
  containerSecurityContext,
  type KubeObject,
  labels,
  podSecurityContext,
  resources,
  serviceAccount,
} from "./k8s-common.js";
import { SERVER_PROBES, serveArgs, serverEnv, serverStorage } from "./k8s-serving.js";
import { dnsLabel, requireNamespace, requirePinnedImage } from "./names.js";
import type { Settings } from "./options.js";

type KServeTarget = Extract<DeploymentSpec["target"], { kind: "kserve" }>;

export function inferenceServiceObjects(plan: Plan, settings: Settings, deployment: DeploymentSpec, target: KServeTarget): KubeObject[] {
  const where = `deployment ${JSON.stringify(deployment.name)}`;
  const namespace = requireNamespace(target.namespace, where);
  const name = dnsLabel(deployment.name, 45);
  const port = deployment.endpoint.port;
  const canary: Record<string, string> =
    deployment.rollout.kind === "canary"
      ? {
          "mlops.dev/canary-percents": deployment.rollout.steps.map((step) => String(Math.round(step * 100))).join(","),
          "mlops.dev/canary-interval-seconds": String(Math.round(deployment.rollout.intervalMs / 1000)),
        }
      : {};
  const exact = annotations(plan, { "mlops.dev/deployment": deployment.name, "mlops.dev/model": deployment.model, ...canary });
  const amounts = resources(target.cpuMillis, target.memoryBytes);
  const storage = serverStorage(plan, settings, deployment.name);
  const predictor =
    target.storageUri !== undefined
      ? {
          model: {
            modelFormat: { name: "onnx" },
            protocolVersion: "v2",
            storageUri: target.storageUri,
            resources: amounts,
            securityContext: containerSecurityContext(settings),
          },
        }
      : {
          containers: [
            {
              name: "kserve-container",
              image: requirePinnedImage(target.image, where),
              imagePullPolicy: "IfNotPresent",
              command: ["mlops"],
              // with a canary rollout the alias is spelled out: the README's patch replaces it with `canary`
              args: [
                ...serveArgs(deployment, "production"),
                ...(deployment.rollout.kind === "canary" ? ["--alias", "production"] : []),
              ].map(kubeletLiteral),
              env: serverEnv(deployment, target.cpuMillis, where, storage.env),
              ports: [{ name: "http1", containerPort: port, protocol: "TCP" }],
              readinessProbe: { ...(SERVER_PROBES.readinessProbe as object), httpGet: { path: "/v2/health/ready", port } },
              resources: amounts,
              securityContext: containerSecurityContext(settings),
              volumeMounts: storage.mounts,
            },
          ],
          volumes: storage.volumes,
        };
  return [
    storageServiceAccount(plan, settings, name, namespace, target.storageUri),
    {
      apiVersion: "serving.kserve.io/v1beta1",
      kind: "InferenceService",
      metadata: { name, namespace, labels: labels(plan, name, "model-server"), annotations: exact },
      spec: {
        predictor: {
          minReplicas: target.minReplicas,
          maxReplicas: target.maxReplicas,
          serviceAccountName: name,
          securityContext: podSecurityContext(settings),
          ...predictor,
        },
      },
    },
  ];
}

/**
 * The predictor's ServiceAccount. KServe's storage initializer downloads an `s3://` storageUri with
 * the credentials of a Secret listed on the predictor's ServiceAccount (keys `AWS_ACCESS_KEY_ID` and
 * `AWS_SECRET_ACCESS_KEY`, endpoint and TLS from the Secret's `serving.kserve.io/s3-*` annotations):
 * the stores Secret already has those keys, so with shared stores it is the one listed.
 */
function storageServiceAccount(
  plan: Plan,
  settings: Settings,
  name: string,
  namespace: string,
  storageUri: string | undefined,
): KubeObject {
  const account = serviceAccount(plan, name, namespace, "model-server");
  if (storageUri?.startsWith("s3://") && settings.stores.kind === "shared") account.secrets = [{ name: settings.stores.secret }];
  return account;
}
