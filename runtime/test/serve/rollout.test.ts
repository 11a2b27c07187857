/**
 * Canary rollouts: the deploy step of a `canary` deployment sets alias `canary` and leaves
 * `production`; `mlops serve --alias canary` serves it (and logs to its own file); `mlops rollout
 * promote` moves production to it (servers of production follow), `abort` drops it. And `mlops run`
 * of a `local` deployment ends with the exact command that serves it.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestLogPath } from "../../src/request-log/format.js";
import { copyExample, edit, mlops, removeProjects } from "../executor/support/projects.js";
import { postJson } from "./support/http-client.js";
import { serveProject, trainedProject, type RunningServer, type TrainedProject } from "./support/served-project.js";

const good = { amount: 12.5, merchant_category: "travel", hour: 13, country: "FR" };
const servers: RunningServer[] = [];
let project: TrainedProject;

beforeAll(async () => {
  project = await trainedProject("fraud");
}, 180_000);

afterAll(async () => {
  for (const s of servers.splice(0)) await s.stop();
  removeProjects();
});

async function servedVersion(running: RunningServer): Promise<number> {
  const answer = await postJson(`${running.url}/v1/fraud`, { instances: [good] });
  expect(answer.status, answer.text).toBe(200);
  return (answer.json as { version: number }).version;
}

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("condition not reached");
}

describe("canary rollout", () => {
  it("deploy sets canary and leaves production; serve --alias canary; rollout promote and abort", { timeout: 300_000 }, async () => {
    const dir = project.dir;
    expect((await mlops(["rollout", "status", "fraud_api", dir])).stdout).toBe("fraud_api (model fraud_clf): production v1, canary none\n");
    edit(dir, "fraud.mlops", "l2 = 0.001", "l2 = 0.002");
    const second = await mlops(["run", dir]);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.stdout).toMatch(/^deploy\.fraud_api\s+succeeded\s+\S+\s+v2 → canary \(production stays v1\)$/m);
    expect(second.stdout).toContain("v2 is the canary of fraud_api; production stays v1. Serve it with `mlops serve --alias canary`");
    expect((await mlops(["rollout", "status", "fraud_api", dir])).stdout).toBe("fraud_api (model fraud_clf): production v1, canary v2\n");

    const production = await serveProject(project, "fraud_api", { pollIntervalMs: 50, requestLog: { projectRoot: dir } });
    const canary = await serveProject(project, "fraud_api", { alias: "canary", pollIntervalMs: 50, requestLog: { projectRoot: dir } });
    servers.push(production, canary);
    expect(await servedVersion(production)).toBe(1);
    expect(await servedVersion(canary)).toBe(2);

    const promoted = await mlops(["rollout", "promote", "fraud_api", dir]);
    expect(promoted).toMatchObject({
      code: 0,
      stdout: "fraud_api: production is now fraud_clf v2 (was v1); the canary alias is removed\n",
    });
    await until(async () => (await servedVersion(production)) === 2);
    // the canary server keeps serving what it has when its alias is removed
    expect(await servedVersion(canary)).toBe(2);
    await canary.stop();
    expect(existsSync(requestLogPath(dir, "fraud_api", "canary"))).toBe(true);
    expect(requestLogPath(dir, "fraud_api", "canary")).toBe(join(dir, ".mlops/requests/fraud_api@canary.jsonl"));

    edit(dir, "fraud.mlops", "l2 = 0.002", "l2 = 0.003");
    expect((await mlops(["run", dir, "--quiet"])).code).toBe(0);
    expect((await mlops(["rollout", "status", "fraud_api", dir])).stdout).toBe("fraud_api (model fraud_clf): production v2, canary v3\n");
    const aborted = await mlops(["rollout", "abort", "fraud_api", dir, "--reason", "latency"]);
    expect(aborted).toMatchObject({ code: 0, stdout: "fraud_api: canary v3 dropped; production stays v2\n" });
    expect(await servedVersion(production)).toBe(2);
    const nothing = await mlops(["rollout", "promote", "fraud_api", dir]);
    expect(nothing).toMatchObject({
      code: 1,
      stderr: "mlops rollout: fraud_api has no canary to promote (model fraud_clf has no canary alias)\n",
    });
    const audit = (await mlops(["models", "show", "fraud_clf", "--project", dir])).stdout;
    expect(audit).toMatch(/unalias v3 as canary — latency/);
    expect(audit).toMatch(/promote v2 as production — rollout promote fraud_api/);
  });

  it("usage errors", async () => {
    expect((await mlops(["rollout", "launch", "fraud_api", project.dir])).code).toBe(2);
    expect((await mlops(["rollout", "promote"])).code).toBe(2);
    expect((await mlops(["rollout", "promote", "nope", project.dir])).stderr).toContain("no deployment nope in the plan");
  });
});

describe("mlops run with a local target", () => {
  it("ends with the exact command that serves it", async () => {
    const dir = copyExample("house-prices");
    const run = await mlops(["run", dir]);
    expect(run.code).toBe(0);
    expect(run.stdout.endsWith(`serve price_api (local, port 8081): mlops serve ${dir}\n`)).toBe(true);
    const quiet = await mlops(["run", dir, "--quiet"]);
    expect(quiet.stdout).toBe("");
  }, 180_000);
});
