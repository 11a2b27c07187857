import { parseArgs } from "node:util";
import { UsageError, type Command, type CliIO } from "@mlops/compiler/cli-core";
import { DEFAULT_BATCH_OPTIONS } from "../serve/batcher.js";
import { ModelServer, ServeError, type ServeOptions } from "../serve/server.js";
import { serverLog, type LogFormat } from "../serve/server-log.js";
import { DEFAULT_LIMITS } from "../serve/serving-state.js";
import { servingStores } from "../serve/serving-stores.js";
import { modelOf } from "../steps/plan-lookup.js";
import { chooseServedDeployment } from "./deployment-choice.js";
import { loadRunnablePlan } from "./load-plan.js";
import { STORE_OPTIONS, STORE_USAGE, openCommandStores } from "./store-options.js";

const usage = `usage: mlops serve [FILE|DIR|plan.json] [--deployment NAME] [--env NAME] [--alias production]
                   [--host 127.0.0.1] [--port N] [options]

Serves the model version that the alias (default production) of a deployment's
model points at, from the project's registry and artifact store (each artifact
checked against its hash): the deployment's own endpoint (POST {"instances":
[...]} at endpoint.path), the KServe Open Inference Protocol V2 (/v2/...),
health (/v2/health/live|ready, /health/live|ready) and Prometheus /metrics.
With one served deployment in the plan no --deployment is needed. Listens on
the endpoint's port unless --port says otherwise (0 picks a free one). Follows
the alias: when it moves (models promote/rollback, rollout, a monitor), the new
version is loaded and swapped in without failing requests. SIGTERM or Ctrl-C
drains in-flight requests and exits 0.

  --plan PATH            same as the positional FILE|DIR|plan.json
  --root DIR             project root for a plan.json (default: the plan's folder)
  --alias NAME           production (default), canary, or any alias
  --host ADDR            address to listen on (default 127.0.0.1; 0.0.0.0 in a container)
  --max-body-bytes N     largest request body (default ${DEFAULT_LIMITS.maxBodyBytes}); 413 beyond
  --max-instances N      most instances per request (default ${DEFAULT_LIMITS.maxInstances}); 413 beyond
  --max-json-depth N     deepest JSON nesting (default ${DEFAULT_LIMITS.maxJsonDepth}); 400 beyond
  --batch-max-rows N     most rows per model run (default ${DEFAULT_BATCH_OPTIONS.maxRows})
  --batch-max-wait-ms N  how long a batch may wait to fill (default ${DEFAULT_BATCH_OPTIONS.maxWaitMs}: one event-loop turn)
  --threads N            onnxruntime threads per model (default: $ORT_INTRA_OP_THREADS or 1)
  --poll-interval-ms N   how often the registry is polled for alias moves (default 2000)
  --drain-timeout-ms N   how long SIGTERM waits for in-flight requests (default 25000)
  --no-request-log       do not record traffic in .mlops/requests/ (the monitors read it)
  --request-log-rotate-bytes N   rotate the request log at this size (default 67108864)
  --request-log-rotate-ms N      rotate the request log at this age (default 86400000)
  --request-log-keep N           rotated request-log files kept (default 14)
  --request-log-writer NAME      this server's name among replicas sharing the log's folder: it writes
                                 DEPLOYMENT~NAME.jsonl (default $MLOPS_REQUEST_LOG_WRITER; rendered pods
                                 set it to the pod's name); the monitor reads every writer's files
  --log-format text|json one line per start, reload and stop (default text)
${STORE_USAGE}

Exit 0 after a graceful stop; 1 when it cannot start (port taken, no plan) or
requests were cut off at the drain timeout; 2 on a usage error.`;

export const serveCommand: Command = {
  name: "serve",
  summary: "serve a deployment's model over HTTP (own endpoint, KServe V2, /metrics)",
  usage,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        plan: { type: "string" },
        root: { type: "string" },
        env: { type: "string" },
        deployment: { type: "string" },
        alias: { type: "string" },
        host: { type: "string" },
        port: { type: "string" },
        "max-body-bytes": { type: "string" },
        "max-instances": { type: "string" },
        "max-json-depth": { type: "string" },
        "batch-max-rows": { type: "string" },
        "batch-max-wait-ms": { type: "string" },
        threads: { type: "string" },
        "poll-interval-ms": { type: "string" },
        "drain-timeout-ms": { type: "string" },
        "no-request-log": { type: "boolean" },
        "request-log-rotate-bytes": { type: "string" },
        "request-log-rotate-ms": { type: "string" },
        "request-log-keep": { type: "string" },
        "request-log-writer": { type: "string" },
        "log-format": { type: "string" },
        ...STORE_OPTIONS,
      },
    });
    if (values.plan && positionals.length > 0)
      throw new UsageError("give the plan either as --plan or as the positional argument, not both");
    if (positionals.length > 1) throw new UsageError(`unexpected argument ${positionals[1]}`);
    const alias = values.alias ?? "production";
    if (!/^[A-Za-z][A-Za-z0-9_-]{0,62}$/.test(alias))
      throw new UsageError(`--alias ${JSON.stringify(alias)}: letters, digits, _ and - only`);
    const format = values["log-format"] ?? "text";
    if (format !== "text" && format !== "json") throw new UsageError("--log-format is text or json");
    const int = (name: keyof typeof values, fallback: number, min: number): number => {
      const raw = values[name];
      if (raw === undefined) return fallback;
      const n = Number(raw);
      if (typeof raw !== "string" || !/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min)
        throw new UsageError(`--${name} must be a whole number ≥ ${min}, got ${JSON.stringify(raw)}`);
      return n;
    };
    const loaded = await loadRunnablePlan(values.plan ?? positionals[0] ?? ".", values.env, values.root, io);
    if (!loaded) return 1;
    const deployment = chooseServedDeployment(loaded.plan, values.deployment);
    const model = modelOf(loaded.plan, deployment.model);
    const port = int("port", deployment.endpoint.port, 0);
    if (port > 65535) throw new UsageError(`--port ${port} is not a TCP port`);
    const envThreads = Number(io.env.ORT_INTRA_OP_THREADS);
    const writer = values["request-log-writer"] ?? io.env.MLOPS_REQUEST_LOG_WRITER;
    const options: ServeOptions = {
      host: values.host ?? "127.0.0.1",
      port,
      limits: {
        maxBodyBytes: int("max-body-bytes", DEFAULT_LIMITS.maxBodyBytes, 1),
        maxInstances: int("max-instances", DEFAULT_LIMITS.maxInstances, 1),
        maxJsonDepth: int("max-json-depth", DEFAULT_LIMITS.maxJsonDepth, 3),
      },
      batch: {
        maxRows: int("batch-max-rows", DEFAULT_BATCH_OPTIONS.maxRows, 1),
        maxWaitMs: int("batch-max-wait-ms", DEFAULT_BATCH_OPTIONS.maxWaitMs, 0),
      },
      threads: int("threads", Number.isSafeInteger(envThreads) && envThreads > 0 ? envThreads : 1, 1),
      pollIntervalMs: int("poll-interval-ms", 2000, 10),
      retryMs: 30_000,
      drainTimeoutMs: int("drain-timeout-ms", 25_000, 0),
      requestLog: values["no-request-log"]
        ? null
        : {
            projectRoot: loaded.projectRoot,
            ...(writer ? { writer } : {}),
            options: {
              rotateBytes: int("request-log-rotate-bytes", 64 * 1024 * 1024, 1),
              rotateMs: int("request-log-rotate-ms", 24 * 3_600_000, 1),
              keepSegments: int("request-log-keep", 14, 0),
            },
          },
      log: serverLog(format as LogFormat, (line) => io.stdout(line)),
    };
    const stores = await openCommandStores(values, io, loaded.projectRoot);
    if (!stores) return 1;
    let server: ModelServer;
    try {
      server = await ModelServer.start(
        { deployment, model, source: loaded.plan.sources[model.source], alias },
        servingStores(stores),
        options,
      );
    } catch (error) {
      await stores.close();
      if (error instanceof ServeError) {
        io.stderr(`mlops serve: ${error.message}\n`);
        return 1;
      }
      throw error;
    }
    const cutOff = await untilSignalled(server, io);
    await stores.close();
    return cutOff ? 1 : 0;
  },
};

/** Waits for SIGTERM/SIGINT, then stops the server; a second signal exits at once. True when requests were cut off. */
async function untilSignalled(server: ModelServer, io: CliIO): Promise<boolean> {
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGTERM", () => resolve("SIGTERM"));
    process.once("SIGINT", () => resolve("SIGINT"));
  });
  const again = (): void => {
    io.stderr(`mlops serve: second ${signal}: exiting without draining\n`);
    process.exit(1);
  };
  process.once("SIGTERM", again);
  process.once("SIGINT", again);
  const outcome = await server.stop();
  process.off("SIGTERM", again);
  process.off("SIGINT", again);
  return !outcome.drained;
}
