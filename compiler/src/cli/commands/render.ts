import { writeFileAtomic } from "../write-atomic.js";
import { isAbsolute, join, normalize, resolve, sep } from "node:path";
import { parseArgs } from "node:util";
import type { Plan } from "../../plan/types.js";
import { buildPlansForEveryEnv, planFromInput } from "../build-plan.js";
import { RenderError, renderAirflow, renderDocker, renderKubernetes, type RenderedFile, type RenderOptions } from "../../render/index.js";
import type { CliIO, Command } from "../command.js";
import { writeImagePackages } from "../package-tarballs.js";
import { UsageError } from "../command.js";

const TARGETS = ["airflow", "kubernetes", "docker", "all"] as const;
type Target = (typeof TARGETS)[number];

const usage = `usage: mlops render airflow|kubernetes|docker|all [FILE|DIR|plan.json] [--env NAME] -o OUTDIR [options]

Renders deployment artifacts from the plan of FILE|DIR (default: the current
directory; Kubernetes overlays for every declared env) or from a built plan.json.
  -o, --out DIR            output directory (required); 'all' writes airflow/, kubernetes/ and docker/ under it
  --env NAME               the env to render (a plan.json must have been built for it)
  --image IMAGE            the runtime image (mlops CLI) of step pods (pinned tag or digest); default: the
                           image a kubernetes, kserve or docker deployment declares
  --base-image IMAGE       base of the Dockerfile (e.g. node:22-bookworm-slim@sha256:...)
  --namespace NAME         namespace of the pipeline's step pods
  --stores shared|volume   where pods keep artifacts and metadata: shared (default: PostgreSQL + S3, URLs
                           and credentials from a Secret) or volume (one claim with files + SQLite; one node)
  --stores-secret NAME     the Secret with MLOPS_DATABASE_URL, MLOPS_ARTIFACT_STORE, AWS_* (default PIPELINE-stores)
  --store-claim NAME       the claim of --stores volume (default PIPELINE-store), or of batch file outputs
                           with shared stores (default PIPELINE-outputs)
  --request-log-claim NAME ReadWriteMany claim servers write the request log to, monitors read (PIPELINE-requests)
  --egress-ports P,P...    TCP ports pods may connect to beside DNS (NetworkPolicy egress; default 443,5432:
                           the stores over HTTPS and PostgreSQL, HTTPS webhooks) — add e.g. 9000 for a MinIO
                           on its own port, 80 for plain-http webhooks
  --gateway [NS/]NAME      the Gateway canary HTTPRoutes attach to (default mlops-gateway)
  --airflow-version 2|3    Airflow imports to write (default 3)
  --start-date YYYY-MM-DD  Airflow start_date (default 2024-01-01)
  --catchup                Airflow: run the intervals missed since the start date (backfill)
  --pool NAME              Airflow pool of every task; --gpu-pool NAME for tasks that request a GPU
  --startup-timeout SECS   Airflow: how long a task's pod may take to start (default 600)
  --no-packages            docker: skip packages/ and package-lock.json (npm pack of this toolchain), which
                           the Dockerfile installs; without them the image cannot be built
`;

export interface LoadedPlans {
  base: Plan;
  envs: Record<string, Plan>;
}

/**
 * The plans to render: `base` (the plan for `env`, or the default one) and one
 * plan per env. From sources every declared env is compiled; a plan.json holds
 * only the env it was built for.
 */
export function loadPlans(input: string, env: string | undefined, io: CliIO): LoadedPlans | undefined {
  if (!input.endsWith(".json")) return buildPlansForEveryEnv(input, env, io);
  const loaded = planFromInput(input, undefined, io);
  if (!loaded) return undefined;
  const plan = loaded.plan;
  if (env !== undefined && plan.env !== env) {
    throw new UsageError(
      `${input} was built for ${plan.env === null ? "no env" : `env ${plan.env}`}, not ${env}; rebuild it with \`mlops build --env ${env}\``,
    );
  }
  return { base: plan, envs: plan.env === null ? {} : { [plan.env]: plan } };
}

function render(target: Exclude<Target, "all">, plans: LoadedPlans, env: string | undefined, options: RenderOptions): RenderedFile[] {
  const plan = env === undefined ? plans.base : (plans.envs[env] ?? plans.base);
  if (target === "airflow") return renderAirflow(plan, options);
  if (target === "docker") return renderDocker(plan, options);
  return renderKubernetes(plans, options);
}

function safeJoin(root: string, relative: string): string {
  const normalized = normalize(relative);
  if (isAbsolute(relative) || normalized === ".." || normalized.startsWith(`..${sep}`))
    throw new Error(`renderer produced an unsafe path: ${relative}`);
  return join(root, normalized);
}

/** Writes each file atomically (a reader never sees half a file); returns the paths written. */
export function writeFilesAtomically(outDir: string, files: RenderedFile[]): string[] {
  return files.map((file) => {
    const path = safeJoin(outDir, file.path);
    writeFileAtomic(path, file.content);
    return path;
  });
}

function parseAirflowVersion(value: string | undefined): 2 | 3 | undefined {
  if (value === undefined) return undefined;
  if (value === "2" || value === "3") return Number(value) as 2 | 3;
  throw new UsageError(`--airflow-version must be 2 or 3, got ${value}`);
}

function parseStores(value: string): "shared" | "volume" {
  if (value === "shared" || value === "volume") return value;
  throw new UsageError(`--stores must be shared or volume, got ${value}`);
}

function parsePorts(value: string): number[] {
  if (!/^[0-9]{1,5}(,[0-9]{1,5})*$/.test(value))
    throw new UsageError(`--egress-ports must be a comma-separated list of ports, got ${value}`);
  return value.split(",").map(Number);
}

function parseSeconds(value: string): number {
  if (!/^[0-9]{1,7}$/.test(value)) throw new UsageError(`--startup-timeout must be a number of seconds, got ${value}`);
  return Number(value);
}

export const renderCommand: Command = {
  name: "render",
  summary: "Render Airflow DAGs, Kubernetes manifests or Docker files from a plan",
  usage,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        out: { type: "string", short: "o" },
        env: { type: "string" },
        image: { type: "string" },
        "runtime-image": { type: "string" },
        "base-image": { type: "string" },
        namespace: { type: "string" },
        "store-claim": { type: "string" },
        stores: { type: "string" },
        "stores-secret": { type: "string" },
        "request-log-claim": { type: "string" },
        "egress-ports": { type: "string" },
        gateway: { type: "string" },
        "airflow-version": { type: "string" },
        "start-date": { type: "string" },
        catchup: { type: "boolean" },
        pool: { type: "string" },
        "gpu-pool": { type: "string" },
        "startup-timeout": { type: "string" },
        "no-packages": { type: "boolean" },
      },
    });
    const [target, input, ...extra] = positionals;
    if (target === undefined || !(TARGETS as readonly string[]).includes(target))
      throw new UsageError(`expected one of ${TARGETS.join(", ")}`);
    if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0]}`);
    if (values.out === undefined) throw new UsageError("missing -o OUTDIR");
    const plans = loadPlans(input ?? ".", values.env, io);
    if (!plans) return 1;
    const image = values.image ?? values["runtime-image"];
    const options: RenderOptions = {
      ...(image !== undefined ? { runtimeImage: image } : {}),
      ...(values["base-image"] !== undefined ? { baseImage: values["base-image"] } : {}),
      ...(values.namespace !== undefined ? { namespace: values.namespace } : {}),
      ...(values["store-claim"] !== undefined ? { storeClaim: values["store-claim"] } : {}),
      ...(values.stores !== undefined ? { stores: parseStores(values.stores) } : {}),
      ...(values["stores-secret"] !== undefined ? { storesSecret: values["stores-secret"] } : {}),
      ...(values["request-log-claim"] !== undefined ? { requestLogClaim: values["request-log-claim"] } : {}),
      ...(values["egress-ports"] !== undefined ? { egressPorts: parsePorts(values["egress-ports"]) } : {}),
      ...(values.gateway !== undefined ? { gateway: values.gateway } : {}),
      ...(values["airflow-version"] !== undefined ? { airflowVersion: parseAirflowVersion(values["airflow-version"])! } : {}),
      ...(values["start-date"] !== undefined ? { startDate: values["start-date"] } : {}),
      ...(values.catchup ? { catchup: true } : {}),
      ...(values.pool !== undefined ? { pool: values.pool } : {}),
      ...(values["gpu-pool"] !== undefined ? { gpuPool: values["gpu-pool"] } : {}),
      ...(values["startup-timeout"] !== undefined ? { startupTimeoutSeconds: parseSeconds(values["startup-timeout"]) } : {}),
    };
    const outDir = resolve(io.cwd, values.out);
    const targets = target === "all" ? (["airflow", "kubernetes", "docker"] as const) : [target as Exclude<Target, "all">];
    let files: Array<{ dir: string; files: RenderedFile[] }>;
    try {
      files = targets.map((t) => ({ dir: target === "all" ? join(outDir, t) : outDir, files: render(t, plans, values.env, options) }));
    } catch (error) {
      if (error instanceof RenderError) {
        io.stderr(`mlops render: ${error.message}\n`);
        return 1;
      }
      throw error;
    }
    for (const group of files) {
      for (const path of writeFilesAtomically(group.dir, group.files)) io.stdout(`wrote ${path}\n`);
    }
    const docker = files.find((group) => group.files.some((f) => f.path === "Dockerfile"));
    if (docker && !values["no-packages"]) {
      try {
        for (const path of writeImagePackages(docker.dir)) io.stdout(`wrote ${path}\n`);
      } catch (error) {
        io.stderr(`mlops render: ${(error as Error).message}\n`);
        return 1;
      }
    }
    return 0;
  },
};
