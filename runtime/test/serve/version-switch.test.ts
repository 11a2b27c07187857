/**
 * The server follows its alias: when `production` moves (promote, rollback) it loads the new
 * version and switches without failing a request — under continuous load, every request answered
 * 200, each answer computed wholly by the version it names. A version that cannot be loaded does
 * not replace the one serving.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileArtifactStore } from "../../src/store/file/file-artifact-store.js";
import { edit, mlops, removeProjects } from "../executor/support/projects.js";
import { postJson, send } from "./support/http-client.js";
import { serveProject, trainedProject, type RunningServer, type TrainedProject } from "./support/served-project.js";
import { waitUntil } from "./support/wait.js";

const instance = { sqft: 1500, bedrooms: 3, zipcode: "94110", year_built: 1990, sold_at: "2024-05-01" };
let project: TrainedProject;
const servers: RunningServer[] = [];

beforeAll(async () => {
  project = await trainedProject("house-prices");
  edit(project.dir, "house-prices.mlops", "l2 = 0.5", "l2 = 0.8");
  const second = await mlops(["run", project.dir, "--quiet"]);
  expect(second.code, second.stdout + second.stderr).toBe(0);
}, 300_000);

afterAll(async () => {
  for (const s of servers.splice(0)) await s.stop();
  removeProjects();
});

interface Answer {
  version: number;
  predictions: Array<{ value: number }>;
}

describe("version switching", () => {
  it("promote and rollback under load lose no request", { timeout: 300_000 }, async () => {
    const running = await serveProject(project, "price_api", { pollIntervalMs: 50 });
    servers.push(running);
    expect(running.server.served?.version.version).toBe(2);
    const url = `${running.url}/v1/price`;
    const seen: Answer[] = [];
    const failures: string[] = [];
    let stop = false;
    const client = async (): Promise<void> => {
      while (!stop) {
        const answer = await postJson(url, { instances: [instance, instance] }).catch((e: Error) => ({
          status: -1,
          text: e.message,
          json: null,
        }));
        if (answer.status === 200) seen.push(answer.json as Answer);
        else failures.push(`${answer.status} ${answer.text}`);
      }
    };
    const clients = Array.from({ length: 16 }, client);
    const waitFor = async (version: number): Promise<void> => {
      const from = seen.length;
      await waitUntil(() => seen.slice(from).some((a) => a.version === version), `an answer from v${version}`);
    };
    const moves: Array<[string[], number]> = [
      [["models", "promote", "price_model", "1", "--project", project.dir], 1],
      [["models", "rollback", "price_model", "--project", project.dir], 2],
      [["models", "promote", "price_model", "1", "--project", project.dir], 1],
      [["models", "promote", "price_model", "2", "--project", project.dir], 2],
    ];
    for (const [args, version] of moves) {
      await waitFor(running.server.served!.version.version);
      const moved = await mlops(args);
      expect(moved.code, moved.stderr).toBe(0);
      await waitFor(version);
    }
    stop = true;
    await Promise.all(clients);
    expect(failures).toEqual([]);
    const byVersion = new Map<number, Set<number>>();
    for (const a of seen)
      for (const p of a.predictions) (byVersion.get(a.version) ?? byVersion.set(a.version, new Set()).get(a.version)!).add(p.value);
    expect([...byVersion.keys()].sort()).toEqual([1, 2]);
    expect(byVersion.get(1)!.size).toBe(1);
    expect(byVersion.get(2)!.size).toBe(1);
    expect([...byVersion.get(1)!][0]).not.toBe([...byVersion.get(2)!][0]);
    const reloads = running.logLines.map((l) => JSON.parse(l) as { event: string; version?: number }).filter((l) => l.event === "reload");
    expect(reloads.map((r) => r.version)).toEqual([1, 2, 1, 2]);
    const meta = (await send(`${running.url}/v2/models/price_model`)).json as { versions: string[] };
    expect(meta.versions).toEqual(["2"]);
  });

  it("a version that fails to load leaves the serving one in place and says why", async () => {
    // polls only when asked, so the artifact can be damaged between the promotion (which checks it) and the load
    const running = await serveProject(project, "price_api", { pollIntervalMs: 3_600_000 });
    servers.push(running);
    const v1 = (await mlops(["models", "show", "price_model", "--json", "--project", project.dir])).stdout;
    const version1 = (JSON.parse(v1) as { versionList: Array<{ version: number; artifactHash: string }> }).versionList.find(
      (v) => v.version === 1,
    )!;
    const path = (await FileArtifactStore.open(join(project.dir, ".mlops/artifacts"))).pathOf(version1.artifactHash);
    const original = readFileSync(path);
    try {
      expect((await mlops(["models", "promote", "price_model", "1", "--project", project.dir])).code).toBe(0);
      writeFileSync(path, Buffer.concat([original, Buffer.from("tampered")]));
      await running.server.checkAlias();
      const failed = JSON.parse(running.logLines.find((l) => l.includes('"event":"load-failed"'))!) as { message: string };
      expect(failed.message).toContain(`cannot serve price_model v1: ONNX model: artifact ${version1.artifactHash} is corrupt`);
      expect(failed.message).toContain("still serving v2");
      const answer = await postJson(`${running.url}/v1/price`, { instances: [instance] });
      expect(answer.status).toBe(200);
      expect((answer.json as Answer).version).toBe(2);
      expect((await send(`${running.url}/v2/health/ready`)).status).toBe(200);
    } finally {
      writeFileSync(path, original);
      await mlops(["models", "promote", "price_model", "2", "--project", project.dir]);
    }
  });
});
