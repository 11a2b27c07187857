/**
 * `mlops ui`: a read-only web UI over the metadata store and the artifact store. Pages are HTML
 * rendered on the server with inline SVG charts (the same code as `mlops report`); the browser
 * gets one small script (sorting, filtering, selection) and no request leaves the machine.
 * Secure by default: it listens on 127.0.0.1, answers only requests addressed to that host (a
 * web page elsewhere cannot read it by DNS rebinding), sends a strict Content-Security-Policy,
 * and changes nothing.
 */
import Fastify, { type FastifyInstance } from "fastify";
import { loadRunView, type RunView } from "../report/run-view.js";
import type { MonitorReport } from "../steps/monitor.js";
import type { ArtifactStore } from "../store/artifact-store.js";
import type { MetadataStore } from "../store/metadata-store.js";
import { UI_SCRIPT } from "./assets/ui-script.js";
import { lineageGraph, type Release } from "./lineage-graph.js";
import { comparePage } from "./pages/compare-page.js";
import { modelPage, modelsPage } from "./pages/models-page.js";
import { lineagePage } from "./pages/lineage-page.js";
import { monitorsPage, type MonitorCheck } from "./pages/monitors-page.js";
import { runPage } from "./pages/run-page.js";
import { runsPage } from "./pages/runs-page.js";

export interface UiOptions {
  stores: { metadata: MetadataStore; artifacts: ArtifactStore };
  /** Shown in the header: the project folder or the database. */
  project: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Most runs the runs table lists (newest first). */
  runLimit?: number;
  /** Told about a request that failed on the server (the terminal shows it). */
  onError?: (error: unknown) => void;
}

export interface UiServer {
  url: string;
  close(): Promise<void>;
}

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

export async function startUi(options: UiOptions): Promise<UiServer> {
  const host = options.host ?? "127.0.0.1";
  const app = buildUi(options);
  await app.listen({ host, port: options.port ?? 5180 });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : (options.port ?? 5180);
  const shown = host.includes(":") ? `[${host}]` : host === "0.0.0.0" ? "127.0.0.1" : host;
  return { url: `http://${shown}:${port}/`, close: () => app.close() };
}

export function buildUi(options: UiOptions): FastifyInstance {
  const { metadata, artifacts } = options.stores;
  const limit = options.runLimit ?? 200;
  const app = Fastify({ logger: false, routerOptions: { maxParamLength: 200 }, bodyLimit: 1024 });
  const loopbackOnly = LOOPBACK.has(options.host ?? "127.0.0.1");

  app.addHook("onRequest", async (request, reply) => {
    if (loopbackOnly && !LOOPBACK.has(hostName(request.headers.host ?? ""))) {
      await reply.code(421).type("text/plain").send("mlops ui answers requests to 127.0.0.1 or localhost only\n");
    }
  });
  app.addHook("onSend", async (_request, reply, payload) => {
    reply.header("content-security-policy", CSP);
    reply.header("x-content-type-options", "nosniff");
    reply.header("referrer-policy", "no-referrer");
    reply.header("cache-control", "no-store");
    return payload;
  });

  const recentViews = async (count = limit): Promise<RunView[]> => {
    const runs = await metadata.listRuns({ limit: count });
    const views = await Promise.all(runs.map((r) => loadRunView(options.stores, r.id)));
    return views.filter((v): v is RunView => v !== null);
  };
  app.get("/", async (_request, reply) => reply.type("text/html; charset=utf-8").send(runsPage(options.project, await recentViews())));

  app.get<{ Params: { id: string } }>("/runs/:id", async (request, reply) => {
    const view = await loadRunView(options.stores, request.params.id);
    if (!view) return reply.code(404).type("text/plain").send(`no run ${request.params.id}\n`);
    return reply.type("text/html; charset=utf-8").send(runPage(options.project, view));
  });

  app.get<{ Querystring: { run?: string | string[] } }>("/compare", async (request, reply) => {
    const ids = [request.query.run ?? []]
      .flat()
      .flatMap((id) => id.split(","))
      .filter((id) => id !== "")
      .slice(0, 12);
    const views = (await Promise.all(ids.map((id) => loadRunView(options.stores, id)))).filter((v): v is RunView => v !== null);
    const recent = views.length >= 2 ? [] : await recentViews(50);
    return reply.type("text/html; charset=utf-8").send(comparePage(options.project, views, recent));
  });

  app.get("/models", async (_request, reply) =>
    reply.type("text/html; charset=utf-8").send(modelsPage(options.project, await metadata.registry.listModels())),
  );

  app.get<{ Params: { name: string } }>("/models/:name", async (request, reply) => {
    const known = await metadata.registry.listModels();
    if (!known.some((m) => m.name === request.params.name))
      return reply.code(404).type("text/plain").send(`no model ${request.params.name}\n`);
    return reply.type("text/html; charset=utf-8").send(modelPage(options.project, await metadata.registry.showModel(request.params.name)));
  });

  app.get("/lineage", async (_request, reply) => {
    const models = await Promise.all((await metadata.registry.listModels()).map((m) => metadata.registry.showModel(m.name)));
    const releases = await latestReleases(metadata, artifacts, limit);
    return reply.type("text/html; charset=utf-8").send(lineagePage(options.project, lineageGraph(models, releases)));
  });

  app.get("/monitors", async (_request, reply) =>
    reply.type("text/html; charset=utf-8").send(monitorsPage(options.project, await monitorChecks(metadata, artifacts, limit))),
  );

  app.get("/assets/ui.js", async (_request, reply) => reply.type("text/javascript; charset=utf-8").send(UI_SCRIPT));

  app.setNotFoundHandler((_request, reply) => reply.code(404).type("text/plain").send("not found\n"));
  app.setErrorHandler((error: { statusCode?: number; message?: string }, _request, reply) => {
    const status = typeof error.statusCode === "number" && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) options.onError?.(error);
    return reply
      .code(status)
      .type("text/plain")
      .send(status === 500 ? "the stores could not be read (see the terminal running mlops ui)\n" : `${error.message ?? "bad request"}\n`);
  });
  return app;
}

function hostName(header: string): string {
  const bracket = header.match(/^\[([^\]]+)\](?::\d+)?$/);
  if (bracket) return bracket[1]!;
  return header.replace(/:\d+$/, "");
}

/** The latest release of each deployment, from the newest deploy steps of any run. */
async function latestReleases(metadata: MetadataStore, artifacts: ArtifactStore, limit: number): Promise<Release[]> {
  const latest = new Map<string, Release>();
  for (const step of await metadata.listSteps({ prefix: "deploy.", limit })) {
    const hash = step.outputs[`${step.stepId}/release`];
    if (!hash || latest.has(step.stepId.slice("deploy.".length))) continue;
    const release = await artifacts.getJson<Release>(hash).catch(() => null);
    if (release && !latest.has(release.deployment)) latest.set(release.deployment, release);
  }
  return [...latest.values()];
}

/** The latest monitor checks, newest first, however many other runs came between them. */
async function monitorChecks(metadata: MetadataStore, artifacts: ArtifactStore, limit: number): Promise<MonitorCheck[]> {
  const steps = await metadata.listSteps({ prefix: "monitor.", limit });
  return Promise.all(
    steps.map(async (step) => {
      const hash = step.outputs[`${step.stepId}/report`];
      const report = hash ? await artifacts.getJson<MonitorReport>(hash).catch(() => null) : null;
      return {
        runId: step.runId,
        monitor: step.stepId.slice("monitor.".length),
        at: step.startedAt,
        status: step.status,
        report,
        error: step.error,
      };
    }),
  );
}
