/**
 * Two `mlops monitor` processes started at once for one monitor: exactly one checks and acts (one
 * alert POSTed, one retrain run), the other ends at once saying which process holds the monitor's
 * lease — on the embedded SQLite store and on a real PostgreSQL. The receiver keeps the first
 * alert waiting until one process has ended, so the two checks overlap whatever the machine's load.
 */
import { appendFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { postgresAvailable, startPostgres, type PostgresServer } from "../../../test/support/postgres-server.js";
import { startMlops } from "./support/cli-process.js";
import { SECRET_PATH, monitorProgram, writeTraffic } from "./support/monitor-project.js";
import { copyExample, removeProjects } from "./support/projects.js";
import { runJson } from "./support/run-json.js";
import { withStores } from "./support/stores.js";
import { WebhookReceiver } from "./support/webhook-receiver.js";

afterAll(removeProjects);
const receivers: WebhookReceiver[] = [];
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.stop();
});

const POLICIES = ["  when drift_share >= 50% => alert(oncall)", "  when drift_share >= 50% => retrain(species_clf)"].join("\n");

async function twoChecksAtOnce(storeEnv: Record<string, string>): Promise<void> {
  const receiver = new WebhookReceiver();
  receivers.push(receiver);
  const url = await receiver.start();
  const dir = copyExample("iris");
  appendFileSync(join(dir, "iris.mlops"), monitorProgram(POLICIES, "120s"));
  const trained = await runJson(["run", dir], storeEnv);
  expect(trained.code, trained.stderr).toBe(0);
  writeTraffic(dir, 2.5);
  // new data, so the retrain registers a new version
  const rows = readFileSync(join(dir, "data/iris.csv"), "utf8").trim().split("\n").slice(1);
  appendFileSync(join(dir, "data/iris.csv"), `${rows.join("\n")}\n`);

  const env = { ...storeEnv, MLOPS_SECRET_ONCALL_URL: `${url}${SECRET_PATH}` };
  const hold = receiver.holdNext();
  const checks = [startMlops(["monitor", dir, "--exit-code"], env), startMlops(["monitor", dir, "--exit-code"], env)];
  const done = checks.map((c) => c.done);
  await Promise.race([hold.arrived, Promise.all(done)]);
  await Promise.race(done);
  hold.release();
  const results = await Promise.all(done);

  const output = results.map((r) => `exit ${r.code}\n${r.stdout}${r.stderr}`).join("\n---\n");
  const acted = results.findIndex((r) => r.code === 1);
  const refused = results.findIndex((r) => r.code === 3);
  expect([acted, refused].sort(), output).toEqual([0, 1]);
  const holder = checks[acted]!.child.pid!;
  expect(results[refused]!.stdout + results[refused]!.stderr).toMatch(
    new RegExp(
      `monitor iris_drift is being checked by another process: pid ${holder} on \\S+ \\(user [^)]+\\) since .* UTC.*; this check did not run`,
    ),
  );
  expect(receiver.received).toHaveLength(1);
  await withStores(
    dir,
    async ({ metadata }) => {
      expect((await metadata.registry.showModel("species_clf")).versionList.map((v) => v.version)).toEqual([1, 2]);
      const runs = await Promise.all((await metadata.listRuns()).map((r) => metadata.showRun(r.id)));
      const registering = runs.filter((r) => r!.steps.some((s) => s.stepId === "register.species_clf" && s.status === "succeeded"));
      expect(registering).toHaveLength(2); // the first run and the one retrain
      const failed = runs.filter((r) => r!.status === "failed");
      expect(failed.map((r) => r!.error)).toEqual([expect.stringContaining("is being checked by another process")]);
      const audited = (await metadata.registry.listAudit({ model: "species_clf" })).filter((a) => a.action === "monitor");
      expect(audited.map((a) => a.details.action)).toEqual(["alert(oncall)", "retrain(species_clf)"]);
    },
    storeEnv,
  );
}

describe("concurrent checks of one monitor", () => {
  it("on the embedded SQLite store: one acts, the other names the holder", { timeout: 600_000 }, async () => {
    await twoChecksAtOnce({});
  });

  describe.skipIf(!postgresAvailable())("[postgres]", () => {
    let server: PostgresServer | undefined;
    beforeAll(async () => {
      server = await startPostgres();
    });
    afterAll(() => server?.stop());

    it("on a shared PostgreSQL: one acts, the other names the holder", { timeout: 600_000 }, async () => {
      await twoChecksAtOnce({ MLOPS_DATABASE_URL: await server!.createDatabase() });
    });
  });
});
