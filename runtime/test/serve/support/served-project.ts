/** A trained copy of an example served in-process by `ModelServer` on 127.0.0.1 (a free port). */
import type { Plan } from "@mlops/compiler";
import { buildPlanFromSources } from "@mlops/compiler/cli";
import { openStores, type Stores } from "../../../src/store/open-stores.js";
import { DEFAULT_BATCH_OPTIONS } from "../../../src/serve/batcher.js";
import { ModelServer, type ServeOptions } from "../../../src/serve/server.js";
import { serverLog } from "../../../src/serve/server-log.js";
import { DEFAULT_LIMITS } from "../../../src/serve/serving-state.js";
import { servingStores } from "../../../src/serve/serving-stores.js";
import { copyExample, mlops } from "../../executor/support/projects.js";

export interface TrainedProject {
  dir: string;
  plan: Plan;
}

const io = (cwd: string) => ({ stdout: () => {}, stderr: (t: string) => void process.stderr.write(t), isTTY: false, cwd, env: {} });

/** Copies `example`, applies `prepare` to the copy, and runs its pipeline (`mlops run`). */
export async function trainedProject(example: string, prepare: (dir: string) => void = () => {}): Promise<TrainedProject> {
  const dir = copyExample(example);
  prepare(dir);
  const run = await mlops(["run", dir, "--quiet"]);
  if (run.code !== 0) throw new Error(`mlops run ${example} failed:\n${run.stdout}${run.stderr}`);
  return { dir, plan: planOf(dir) };
}

export function planOf(dir: string): Plan {
  const built = buildPlanFromSources(dir, undefined, io(dir));
  if (!built) throw new Error(`${dir} does not compile`);
  return built.plan;
}

export interface RunningServer {
  server: ModelServer;
  url: string;
  stores: Stores;
  logLines: string[];
  stop(): Promise<void>;
}

export async function serveProject(
  project: TrainedProject,
  deploymentName: string,
  overrides: Partial<ServeOptions> & { alias?: string } = {},
): Promise<RunningServer> {
  const deployment = project.plan.deployments[deploymentName]!;
  const model = project.plan.models[deployment.model]!;
  const stores = await openStores({ projectRoot: project.dir, cwd: project.dir, env: {} });
  const logLines: string[] = [];
  const { alias = "production", ...rest } = overrides;
  const options: ServeOptions = {
    host: "127.0.0.1",
    port: 0,
    limits: DEFAULT_LIMITS,
    batch: DEFAULT_BATCH_OPTIONS,
    threads: 1,
    pollIntervalMs: 60_000,
    retryMs: 30_000,
    drainTimeoutMs: 10_000,
    requestLog: null,
    log: serverLog("json", (line) => void logLines.push(line)),
    ...rest,
  };
  const server = await ModelServer.start(
    { deployment, model, source: project.plan.sources[model.source], alias },
    servingStores(stores),
    options,
  );
  return {
    server,
    url: server.url,
    stores,
    logLines,
    async stop() {
      await server.stop();
      await stores.close();
    },
  };
}
