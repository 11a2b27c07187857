/**
 * `mlops monitor` acts: an alert is POSTed to a real webhook receiver on 127.0.0.1 (retried on a
 * 503, never echoing the secret URL), a cooldown holds the policy back, `--exit-code` says whether a
 * policy fired, and `retrain` runs the training DAG on the current data — exactly once, even when
 * the monitor is killed in the middle of it.
 */
import { spawn } from "node:child_process";
import { appendFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { type PolicyJson, SECRET_PATH, monitorProgram, policies, writeTraffic } from "./support/monitor-project.js";
import { REPO, copyExample, mlops, removeProjects } from "./support/projects.js";
import { runJson } from "./support/run-json.js";
import { withStores } from "./support/stores.js";
import { WebhookReceiver } from "./support/webhook-receiver.js";

afterAll(removeProjects);

const receivers: WebhookReceiver[] = [];
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.stop();
});

async function receiver(statuses: number[] = []): Promise<{ r: WebhookReceiver; url: string }> {
  const r = new WebhookReceiver(statuses);
  receivers.push(r);
  return { r, url: await r.start() };
}

describe("monitor actions", () => {
  it("posts an alert to the notifier's webhook (retrying a 503), holds it back while cooling down, and says so in the exit code", async () => {
    const { r, url } = await receiver([503]);
    const dir = copyExample("iris");
    appendFileSync(join(dir, "iris.mlops"), monitorProgram("  when drift_share >= 50% => alert(oncall, cooldown = 1d)"));
    expect((await runJson(["run", dir])).code).toBe(0);
    const env = { MLOPS_SECRET_ONCALL_URL: `${url}${SECRET_PATH}` };

    writeTraffic(dir, 0);
    const quiet = await mlops(["monitor", dir, "--exit-code"], undefined, env);
    expect(quiet.code).toBe(0);
    expect(r.received).toEqual([]);

    writeTraffic(dir, 2.5);
    const fired = await mlops(["monitor", dir, "--exit-code", "--json"], undefined, env);
    expect(fired.code).toBe(1);
    expect(r.received.map((x) => x.path)).toEqual([SECRET_PATH, SECRET_PATH]);
    // --json: the run result with each monitor's report
    const printed = JSON.parse(fired.stdout) as { status: string; monitors: Record<string, { drift: unknown[]; policies: PolicyJson[] }> };
    expect(printed.status).toBe("succeeded");
    expect(printed.monitors.iris_drift!.drift).toHaveLength(2);
    expect(printed.monitors.iris_drift!.policies).toEqual(policies(dir));
    const [first, second] = r.received;
    expect(second!.headers["idempotency-key"]).toBe(first!.headers["idempotency-key"]);
    expect(second!.headers["content-type"]).toBe("application/json");
    expect(String(second!.body.text)).toBe("Monitor iris_drift: drift_share >= 50% fired for species_clf v1 (deployment species_scores)");
    expect(JSON.stringify(second!.body.blocks)).toContain("petal_length");
    expect(policies(dir)[0]).toMatchObject({ triggered: true, acted: true, outcome: "alert posted to oncall (HTTP 200, 2 attempts)" });
    const report = readFileSync(join(dir, ".mlops/reports/monitor.iris_drift/monitor.txt"), "utf8");
    for (const text of [fired.stdout, fired.stderr, report]) expect(text).not.toContain("s3cr3t");

    const cooling = await mlops(["monitor", dir, "--exit-code"], undefined, env);
    expect(cooling.code).toBe(0);
    expect(r.received).toHaveLength(2);
    expect(policies(dir)[0]).toMatchObject({ triggered: true, acted: false });
    expect(policies(dir)[0]!.outcome).toMatch(/^held back: cooling down until /);

    // the alert is in the registry's audit trail (once: the held-back check took no action), without the secret
    const shown = await mlops(["models", "show", "species_clf", "--json", "--project", dir]);
    expect(shown.stdout).not.toContain("s3cr3t");
    const actions = monitorEntries(shown.stdout);
    expect(actions).toEqual([
      expect.objectContaining({
        action: "monitor",
        version: 1,
        reason: "iris_drift: drift_share >= 50% => alert(oncall) → alert posted to oncall (HTTP 200, 2 attempts)",
        details: expect.objectContaining({
          monitor: "iris_drift",
          policy: "drift_share >= 50%",
          action: "alert(oncall)",
          outcome: "alert posted to oncall (HTTP 200, 2 attempts)",
          report: ".mlops/reports/monitor.iris_drift/monitor.txt",
        }),
      }),
    ]);
    const check = String(actions[0]!.details.monitorRun);
    await withStores(dir, async ({ metadata }) => {
      expect((await metadata.getRun(check))!.status).toBe("succeeded");
    });
    // and runs show of that check says what its policies did
    const shownRun = await mlops(["runs", "show", check, "--project", dir]);
    expect(shownRun.stdout).toContain(
      "monitor.iris_drift: policies fired:\n  drift_share >= 50% => alert(oncall): alert posted to oncall (HTTP 200, 2 attempts)\n",
    );
  });

  it("reports an alert it cannot post (secret not set, receiver down) without failing the check", async () => {
    const dir = copyExample("iris");
    appendFileSync(join(dir, "iris.mlops"), monitorProgram("  when drift_share >= 50% => alert(oncall)"));
    expect((await runJson(["run", dir])).code).toBe(0);
    writeTraffic(dir, 2.5);
    const unset = await mlops(["monitor", dir], undefined, {});
    expect(unset.code).toBe(0);
    expect(policies(dir)[0]!.outcome).toBe(
      'alert to oncall not posted: secret("oncall", "url") is not set: export MLOPS_SECRET_ONCALL_URL',
    );
    const { r, url } = await receiver();
    await r.stop();
    const down = await mlops(["monitor", dir], undefined, { MLOPS_SECRET_ONCALL_URL: `${url}${SECRET_PATH}` });
    expect(down.code).toBe(0);
    expect(policies(dir)[0]!.outcome).toBe("alert to oncall not delivered after 3 attempts: could not connect (ECONNREFUSED)");
    expect(down.stdout + down.stderr).not.toContain("s3cr3t");
    const shown = await mlops(["models", "show", "species_clf", "--project", dir]);
    expect(shown.stdout).toContain(
      'monitor v1 — iris_drift: drift_share >= 50% => alert(oncall) → alert to oncall not posted: secret("oncall", "url") is not set',
    );
    expect(shown.stdout).toContain(
      "monitor v1 — iris_drift: drift_share >= 50% => alert(oncall) → alert to oncall not delivered after 3 attempts",
    );
    expect(shown.stdout).not.toContain("s3cr3t");
  });

  it("retrains on the current data: a model that fails the gate changes nothing, one that passes is promoted; the report links the run", async () => {
    const dir = copyExample("iris");
    appendFileSync(join(dir, "iris.mlops"), monitorProgram("  when drift_share >= 50% => retrain(species_clf)"));
    expect((await runJson(["run", dir])).code).toBe(0);
    writeTraffic(dir, 2.5);
    const rows = readFileSync(join(dir, "data/iris.csv"), "utf8").trim().split("\n").slice(1);
    // new data with too few virginica: the retrained model misses the gate's accuracy
    appendFileSync(join(dir, "data/iris.csv"), `${rows.slice(0, 60).join("\n")}\n`);
    const worse = await mlops(["monitor", dir, "--exit-code"], undefined, {});
    expect(worse.code).toBe(1);
    expect(policies(dir)[0]!.outcome).toMatch(/^retrain run \S+ did not promote: gate\.ok .*accuracy = .*; production unchanged$/);
    // the rest of the new data arrives
    appendFileSync(join(dir, "data/iris.csv"), `${rows.slice(60).join("\n")}\n`);
    const fired = await mlops(["monitor", dir, "--exit-code"], undefined, {});
    expect(fired.code).toBe(1);
    const [policy] = policies(dir);
    expect(policy).toMatchObject({ triggered: true, acted: true });
    expect(policy!.outcome).toContain(`retrain run ${policy!.run}: species_clf registered v2`);
    await withStores(dir, async ({ metadata }) => {
      expect((await metadata.registry.getAlias("species_clf", "production"))!.version).toBe(2);
      expect((await metadata.getRun(policy!.run!))!.status).toBe("succeeded");
    });
  });

  it("finishes a retrain interrupted by kill -9 on the next check, exactly once", { timeout: 600_000 }, async () => {
    const dir = copyExample("iris");
    appendFileSync(join(dir, "iris.mlops"), monitorProgram("  when drift_share >= 50% => retrain(species_clf)"));
    expect((await runJson(["run", dir])).code).toBe(0);
    // much new data (so the retrain takes a while), then drifted traffic
    const rows = readFileSync(join(dir, "data/iris.csv"), "utf8").trim().split("\n").slice(1);
    appendFileSync(join(dir, "data/iris.csv"), `${Array.from({ length: 300 }, () => rows.join("\n")).join("\n")}\n`);
    writeTraffic(dir, 2.5);
    const killed = await monitorAndKill(dir, /retrain of species_clf: run \S+ started/);
    expect(killed.killed, killed.output).toBe(true);
    await withStores(dir, async ({ metadata }) => {
      expect((await metadata.registry.showModel("species_clf")).versionList.map((v) => v.version)).toEqual([1]);
    });

    const resumed = await mlops(["monitor", dir, "--exit-code"], undefined, {});
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(1);
    const [policy] = policies(dir);
    expect(policy!.outcome).toMatch(/^finished the action monitor run \S+ started: retrain run \S+: species_clf registered v2/);
    const again = await mlops(["monitor", dir, "--exit-code"], undefined, {});
    expect(again.code).toBe(1);
    expect(policies(dir)[0]!.outcome).toContain("species_clf already v2");
    await withStores(dir, async ({ metadata }) => {
      expect((await metadata.registry.showModel("species_clf")).versionList.map((v) => v.version)).toEqual([1, 2]);
      expect((await metadata.registry.getAlias("species_clf", "production"))!.version).toBe(2);
      const audit = await metadata.registry.listAudit({ model: "species_clf" });
      expect(audit.filter((a) => a.action === "register")).toHaveLength(2);
      // the killed check's retrain is audited once, by the check that finished it, naming both checks
      const finished = audit.filter((a) => a.action === "monitor" && a.details.finishedBy !== undefined);
      expect(finished).toHaveLength(1);
      expect(finished[0]!.details).toMatchObject({ action: "retrain(species_clf)", finishedBy: expect.any(String) });
      expect(finished[0]!.details.monitorRun).not.toBe(finished[0]!.details.finishedBy);
      expect((await metadata.getRun(String(finished[0]!.details.monitorRun)))!.status).toBe("interrupted");
    });
  });
});

interface AuditJson {
  action: string;
  version: number | null;
  reason: string | null;
  details: Record<string, unknown>;
}

/** The monitor entries of `mlops models show NAME --json`'s audit trail. */
function monitorEntries(json: string): AuditJson[] {
  return (JSON.parse(json) as { audit: AuditJson[] }).audit.filter((a) => a.action === "monitor");
}

const CLI = join(REPO, "runtime/test/executor/support/mlops.ts");

/** Spawns `mlops monitor DIR` and kills it with SIGKILL when its output matches `when`. */
function monitorAndKill(dir: string, when: RegExp): Promise<{ killed: boolean; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", CLI, "monitor", dir], {
      cwd: REPO,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    let killed = false;
    const watch = (chunk: Buffer): void => {
      output += chunk.toString("utf8");
      if (!killed && when.test(output)) {
        killed = true;
        child.kill("SIGKILL");
      }
    };
    child.stdout.on("data", watch);
    child.stderr.on("data", watch);
    child.on("error", reject);
    child.on("exit", () => resolve({ killed, output }));
  });
}
