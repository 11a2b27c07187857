import { mkdir, readFile, rename, writeFile, rm } from "node:fs/promises";
import { dirname, isAbsolute, join, normalize, resolve, sep } from "node:path";
import { parseArgs } from "node:util";
import type { Plan } from "../../plan/types.js";
import { PLAN_VERSION } from "../../plan/types.js";
import { RenderError, renderAirflow, renderDocker, renderKubernetes, type RenderedFile, type RenderOptions } from "../../render/index.js";
import type { CliIO, Command } from "../command.js";
import { UsageError } from "../command.js";

const TARGETS = ["airflow", "kubernetes", "docker", "all"] as const;
type Target = (typeof TARGETS)[number];

const usage = `usage: mlops render airflow|kubernetes|docker|all [plan.json] [--env NAME] -o OUTDIR [options]

Renders deployment artifacts from a compiled plan (mlops build -o plan.json).
  -o, --out DIR            output directory (required); 'all' writes airflow/, kubernetes/ and docker/ under it
  --env NAME               the env to render (the plan must have been built for it)
  --runtime-image IMAGE    image with the mlops CLI for Airflow tasks, Jobs and CronJobs (pinned tag or digest)
  --namespace NAME         namespace of the pipeline's step pods
  --store-claim NAME       PersistentVolumeClaim holding the artifact store
  --airflow-version 2|3    Airflow imports to write (default 3)
`;

export interface LoadedPlans {
  base: Plan;
  envs: Record<string, Plan>;
}

function isPlan(value: unknown): value is Plan {
  const plan = value as Partial<Plan> | null;
  return (
    typeof plan === "object" && plan !== null && plan.planVersion === PLAN_VERSION && typeof plan.pipeline?.name === "string" && Array.isArray(plan.steps) && typeof plan.deployments === "object"
  );
}

/**
 * The plans to render: `base` (the plan for `env`, or the default one) and one plan per env.
 * Today the input must be a plan.json; compiling `.mlops` sources (a file or a directory,
 * every declared env) is the plan emitter's job and plugs in here.
 */
export async function loadPlans(input: string, env: string | undefined): Promise<LoadedPlans> {
  if (!input.endsWith(".json")) {
    throw new UsageError(`cannot render ${input}: only a compiled plan.json is accepted for now (run \`mlops build -o plan.json\` first)`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(input, "utf8"));
  } catch (error) {
    throw new UsageError(`cannot read ${input}: ${(error as Error).message}`);
  }
  if (!isPlan(parsed)) throw new UsageError(`${input} is not a plan of version ${PLAN_VERSION}`);
  if (env !== undefined && parsed.env !== env) {
    throw new UsageError(`${input} was built for ${parsed.env === null ? "no env" : `env ${parsed.env}`}, not ${env}; rebuild it with \`mlops build --env ${env}\``);
  }
  return { base: parsed, envs: parsed.env === null ? {} : { [parsed.env]: parsed } };
}

function render(target: Exclude<Target, "all">, plans: LoadedPlans, env: string | undefined, options: RenderOptions): RenderedFile[] {
  const plan = env === undefined ? plans.base : (plans.envs[env] ?? plans.base);
  if (target === "airflow") return renderAirflow(plan, options);
  if (target === "docker") return renderDocker(plan, options);
  return renderKubernetes(plans, options);
}

function safeJoin(root: string, relative: string): string {
  const normalized = normalize(relative);
  if (isAbsolute(relative) || normalized === ".." || normalized.startsWith(`..${sep}`)) throw new Error(`renderer produced an unsafe path: ${relative}`);
  return join(root, normalized);
}

/** Writes each file to a temporary sibling and renames it into place, so a reader never sees half a file. */
export async function writeFilesAtomically(outDir: string, files: RenderedFile[]): Promise<string[]> {
  const written: string[] = [];
  for (const file of files) {
    const path = safeJoin(outDir, file.path);
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    try {
      await writeFile(temp, file.content, "utf8");
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    written.push(path);
  }
  return written;
}

function parseAirflowVersion(value: string | undefined): 2 | 3 | undefined {
  if (value === undefined) return undefined;
  if (value === "2" || value === "3") return Number(value) as 2 | 3;
  throw new UsageError(`--airflow-version must be 2 or 3, got ${value}`);
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
        "runtime-image": { type: "string" },
        namespace: { type: "string" },
        "store-claim": { type: "string" },
        "airflow-version": { type: "string" },
      },
    });
    const [target, input, ...extra] = positionals;
    if (target === undefined || !(TARGETS as readonly string[]).includes(target)) throw new UsageError(`expected one of ${TARGETS.join(", ")}`);
    if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0]}`);
    if (values.out === undefined) throw new UsageError("missing -o OUTDIR");
    const plans = await loadPlans(resolve(io.cwd, input ?? "plan.json"), values.env);
    const options: RenderOptions = {
      ...(values["runtime-image"] !== undefined ? { runtimeImage: values["runtime-image"] } : {}),
      ...(values.namespace !== undefined ? { namespace: values.namespace } : {}),
      ...(values["store-claim"] !== undefined ? { storeClaim: values["store-claim"] } : {}),
      ...(values["airflow-version"] !== undefined ? { airflowVersion: parseAirflowVersion(values["airflow-version"])! } : {}),
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
      for (const path of await writeFilesAtomically(group.dir, group.files)) io.stdout(`wrote ${path}\n`);
    }
    return 0;
  },
};
