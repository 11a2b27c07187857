/**
 * How a rendered pod reaches the stores and the files it writes, described once for Kubernetes and
 * Airflow.
 *
 * Shared stores (the default): every container of the runtime image gets `MLOPS_DATABASE_URL` and
 * `MLOPS_ARTIFACT_STORE` (required) and the `AWS_*` settings (optional: a pod with a cloud identity
 * needs no keys) from one Secret, and a scratch emptyDir at `.mlops/` for what a process keeps for
 * itself (reports, a trainer's work files). Nothing is shared through a volume except what has no
 * store yet: batch deployments' file outputs (a claim; an `s3://` output needs none) and the request
 * log servers write and monitors read (a ReadWriteMany claim).
 *
 * Volume stores (`--stores volume`, one node only): one claim with the embedded stores at `.mlops/`,
 * SQLite in rollback-journal mode (WAL needs shared memory, which a network volume does not give).
 */
import type { Plan, Step } from "../plan/types.js";
import { LAYOUT, type Settings } from "./options.js";
import { batchInput } from "./source-secrets.js";
import { writableDirs } from "./step-containers.js";

/** Store settings a container reads from the stores Secret (the Secret's keys are the variable names). */
export const SHARED_STORE_VARIABLES: ReadonlyArray<{ name: string; optional: boolean }> = [
  { name: "MLOPS_DATABASE_URL", optional: false },
  { name: "MLOPS_ARTIFACT_STORE", optional: false },
  { name: "AWS_ENDPOINT_URL", optional: true },
  { name: "AWS_REGION", optional: true },
  { name: "AWS_ACCESS_KEY_ID", optional: true },
  { name: "AWS_SECRET_ACCESS_KEY", optional: true },
  { name: "MLOPS_S3_FORCE_PATH_STYLE", optional: true },
];

export type StorageEnv = { name: string; value: string } | { name: string; secret: { name: string; key: string; optional: boolean } };

export interface StorageVolume {
  name: string;
  /** A PersistentVolumeClaim, else an emptyDir of `sizeLimit`. */
  claim?: string;
  sizeLimit?: string;
}

export interface StorageMount {
  volume: string;
  path: string;
  subPath?: string;
}

export interface PodStorage {
  /** For every container of the runtime image (not an external trainer's own image). */
  env: StorageEnv[];
  volumes: StorageVolume[];
  /** For every container of the runtime image. */
  mounts: StorageMount[];
}

const SQLITE_ON_VOLUME = `sqlite:${LAYOUT.storeDir}/metadata.db?journal=delete`;

/** The store environment of a runtime container. */
export function storeEnv(settings: Settings): StorageEnv[] {
  const stores = settings.stores;
  if (stores.kind === "volume") return [{ name: "MLOPS_DATABASE_URL", value: SQLITE_ON_VOLUME }];
  return SHARED_STORE_VARIABLES.map(({ name, optional }) => ({ name, secret: { name: stores.secret, key: name, optional } }));
}

/** Does any of `steps` read a request log (a monitor of a serving deployment)? */
function readsRequestLog(plan: Plan, steps: Step[]): boolean {
  return steps.some((step) => {
    const monitor = step.kind === "monitor" ? plan.monitors[step.subject.name] : undefined;
    return monitor !== undefined && batchInput(plan, monitor.deployment) === undefined;
  });
}

/** Does a server of `deployment` write a request log some monitor reads? */
export function requestLogIsRead(plan: Plan, deployment: string): boolean {
  return Object.values(plan.monitors).some((monitor) => monitor.deployment === deployment);
}

function sharedVolumes(settings: Settings, requests: boolean, outputs: string[]): PodStorage {
  const stores = settings.stores as Extract<Settings["stores"], { kind: "shared" }>;
  const volumes: StorageVolume[] = [{ name: "scratch", sizeLimit: "10Gi" }];
  const mounts: StorageMount[] = [{ volume: "scratch", path: LAYOUT.storeDir }];
  if (requests) {
    volumes.push({ name: "requests", claim: stores.requestLogClaim });
    mounts.push({ volume: "requests", path: `${LAYOUT.storeDir}/requests` });
  }
  if (outputs.length > 0) {
    volumes.push({ name: "outputs", claim: stores.outputClaim });
    for (const dir of outputs) mounts.push({ volume: "outputs", path: `${LAYOUT.workdir}/${dir}`, subPath: dir });
  }
  return { env: storeEnv(settings), volumes, mounts };
}

function volumeStores(settings: Settings, outputs: string[]): PodStorage {
  const stores = settings.stores as Extract<Settings["stores"], { kind: "volume" }>;
  return {
    env: storeEnv(settings),
    volumes: [{ name: "store", claim: stores.claim }],
    mounts: [
      { volume: "store", path: LAYOUT.storeDir },
      ...outputs.map((dir) => ({ volume: "store", path: `${LAYOUT.workdir}/${dir}`, subPath: `outputs/${dir}` })),
    ],
  };
}

/** The storage of the pod (or, for Airflow, the DAG) running `steps`. */
export function stepStorage(plan: Plan, settings: Settings, steps: Step[]): PodStorage {
  const outputs = [...new Set(steps.flatMap((step) => writableDirs(plan, step)))].sort();
  if (settings.stores.kind === "volume") return volumeStores(settings, outputs);
  return sharedVolumes(settings, readsRequestLog(plan, steps), outputs);
}

/** The storage of a model server of `deployment`. */
export function serverStorage(plan: Plan, settings: Settings, deployment: string): PodStorage {
  if (settings.stores.kind === "volume") return volumeStores(settings, []);
  return sharedVolumes(settings, requestLogIsRead(plan, deployment), []);
}
