/**
 * The monitoring loop end to end on 127.0.0.1: train and promote → `mlops serve` (in-process, its
 * request log on) → clean traffic → `mlops monitor` quiet → drifted traffic (and new training data)
 * → the monitor retrains, the new version passes the gate and is promoted, the running server
 * switches to it, and a webhook receiver gets the alert → delayed labels that make accuracy fall →
 * rollback, and the server switches back. Every action the monitor took is in the registry's audit
 * trail, as `mlops models show` and the UI's model page show it. The same scenario is the iris
 * example's walkthrough.
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { requestLogPath, type RequestLogEntry } from "../../src/request-log/format.js";
import { REPO, mlops, removeProjects } from "../executor/support/projects.js";
import { startProjectUi } from "../ui/support/project-ui.js";
import { WebhookReceiver } from "../executor/support/webhook-receiver.js";
import { postJson } from "./support/http-client.js";
import { serveProject, trainedProject, type RunningServer } from "./support/served-project.js";
import { waitUntil } from "./support/wait.js";

/** The declarations the walkthrough (examples/iris/monitoring-walkthrough.mjs) adds to the iris example. */
const LOOP = readFileSync(join(REPO, "examples/iris/monitoring.mlops.txt"), "utf8");

const receiver = new WebhookReceiver();
let running: RunningServer | undefined;

afterAll(async () => {
  await running?.stop();
  await receiver.stop();
  removeProjects();
});

function irisRows(dir: string): Array<Record<string, number>> {
  return readFileSync(join(dir, "data/iris.csv"), "utf8")
    .trim()
    .split("\n")
    .slice(1, 151)
    .map((line) => {
      const [sl, sw, pl, pw] = line.split(",").map(Number);
      return { sepal_length: sl!, sepal_width: sw!, petal_length: pl!, petal_width: pw! };
    });
}

function logEntries(dir: string): RequestLogEntry[] {
  const path = requestLogPath(dir, "species_api");
  const text = existsSync(path) ? readFileSync(path, "utf8") : "";
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as RequestLogEntry);
}

interface MonitorJson {
  labelledRows?: number;
  signals: Record<string, number | null>;
  policies: Array<{ policy: string; acted: boolean; outcome?: string; run?: string }>;
}

const report = (dir: string): MonitorJson =>
  JSON.parse(readFileSync(join(dir, ".mlops/reports/monitor.api_watch/monitor.json"), "utf8")) as MonitorJson;

describe("the monitoring loop", () => {
  it("quiet on clean traffic; on drift it retrains, promotes and alerts; on falling accuracy it rolls back; the server follows", {
    timeout: 600_000,
  }, async () => {
    const hook = `${await receiver.start()}/hooks/botanists`;
    const env = { MLOPS_SECRET_BOTANISTS_WEBHOOK: hook };
    const project = await trainedProject("iris", (dir) => {
      appendFileSync(join(dir, "iris.mlops"), LOOP);
      writeFileSync(join(dir, "data/outcomes.csv"), "request_id,instance,species\n");
    });
    const { dir } = project;
    running = await serveProject(project, "species_api", { pollIntervalMs: 50, requestLog: { projectRoot: dir } });
    const server = running.server;
    expect(server.served?.version.version).toBe(1);
    const url = `${running.url}/predict`;
    const rows = irisRows(dir);
    const send = async (shift: number): Promise<void> => {
      for (let i = 0; i < rows.length; i += 30) {
        const instances = rows
          .slice(i, i + 30)
          .map((r) => ({ ...r, petal_length: r.petal_length! + shift, petal_width: r.petal_width! + shift / 2 }));
        const answer = await postJson(url, { instances });
        expect(answer.status, answer.text).toBe(200);
      }
    };

    await send(0);
    await waitUntil(() => logEntries(dir).length === 150, "150 logged instances");
    const quiet = await mlops(["monitor", dir, "--exit-code"], undefined, env);
    expect(quiet.code, quiet.stdout + quiet.stderr).toBe(0);
    expect(receiver.received).toEqual([]);

    // drifted traffic, and labelled data arrived since v1 was trained
    for (let k = 0; k < 3; k++) await send(2.5);
    await waitUntil(() => logEntries(dir).length === 600, "600 logged instances");
    appendFileSync(
      join(dir, "data/iris.csv"),
      `${readFileSync(join(dir, "data/iris.csv"), "utf8").trim().split("\n").slice(1, 76).join("\n")}\n`,
    );
    const fired = await mlops(["monitor", dir, "--exit-code"], undefined, env);
    expect(fired.code, fired.stdout + fired.stderr).toBe(1);
    const [retrain, alert, rollback] = report(dir).policies;
    expect(retrain).toMatchObject({ acted: true });
    expect(retrain!.outcome).toContain(`retrain run ${retrain!.run}: species_clf registered v2`);
    expect(alert).toMatchObject({ acted: true, outcome: "alert posted to botanists (HTTP 200, 1 attempt)" });
    expect(rollback).toMatchObject({ acted: false, outcome: "signal not measured" });
    await waitUntil(() => server.served?.version.version === 2, "the server serving v2");
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.path).toBe("/hooks/botanists");
    expect(receiver.received[0]!.body).toMatchObject({
      kind: "mlops.monitor.alert",
      monitor: "api_watch",
      deployment: "species_api",
      model: "species_clf",
      version: 1,
      policy: "drift_share >= 50%",
      drifted: expect.arrayContaining(["petal_length", "petal_width"]),
    });

    // v2 answers; their true species come in, and v2 got them wrong
    await send(0);
    await waitUntil(() => logEntries(dir).length === 750, "750 logged instances");
    const answeredByV2 = logEntries(dir).filter((e) => e.version === 2);
    expect(answeredByV2).toHaveLength(150);
    const wrong = (label: unknown): string => (label === "setosa" ? "virginica" : "setosa");
    writeFileSync(
      join(dir, "data/outcomes.csv"),
      `request_id,instance,species\n${answeredByV2.map((e) => `${e.request},${e.instance},${wrong(e.output?.label)}`).join("\n")}\n`,
    );
    const fell = await mlops(["monitor", dir, "--exit-code"], undefined, env);
    expect(fell.code, fell.stdout + fell.stderr).toBe(1);
    const after = report(dir);
    expect(after.labelledRows).toBe(150);
    expect(after.signals.accuracy).toBe(0);
    expect(after.policies[0]).toMatchObject({ acted: false });
    expect(after.policies[0]!.outcome).toMatch(/^held back: cooling down until /);
    expect(after.policies[2]).toMatchObject({ acted: true, outcome: "production of species_clf rolled back to v1 (was v2)" });
    await waitUntil(() => server.served?.version.version === 1, "the server back on v1");
    expect(receiver.received).toHaveLength(1);

    const shown = await mlops(["models", "show", "species_clf", "--project", dir]);
    const audit = shown.stdout
      .slice(shown.stdout.indexOf("\naudit:\n") + 8)
      .trim()
      .split("\n")
      .map((line) => line.trim().replace(/^\S+ \S+ {2}\S+ {2}/, ""));
    // the two deploy steps of a run promote in either order
    const promotions = audit.filter((line) => line.startsWith("promote")).sort();
    expect(promotions).toEqual([
      expect.stringMatching(/^promote v1 as production — deploy species_api \(run /),
      expect.stringMatching(/^promote v1 as production — deploy species_scores \(run /),
      `promote v2 as production — deploy species_api (run ${retrain!.run})`,
      `promote v2 as production — deploy species_scores (run ${retrain!.run})`,
    ]);
    expect(audit.filter((line) => !line.startsWith("promote"))).toEqual([
      "register v1 — passed gate ok",
      "register v2 — passed gate ok",
      expect.stringMatching(
        new RegExp(
          `^monitor v1 — api_watch: drift_share >= 50% => retrain\\(species_clf\\) → retrain run ${retrain!.run}: species_clf registered v2`,
        ),
      ),
      "monitor v1 — api_watch: drift_share >= 50% => alert(botanists) → alert posted to botanists (HTTP 200, 1 attempt)",
      "rollback v1 as production — monitor api_watch: accuracy < 80%",
      "monitor v2 — api_watch: accuracy < 80% => rollback(species_api) → production of species_clf rolled back to v1 (was v2)",
    ]);
    const ui = await startProjectUi(dir);
    try {
      const page = await (await fetch(new URL("/models/species_clf", ui.url))).text();
      expect(page).toContain("api_watch: drift_share &gt;= 50% =&gt; alert(botanists) → alert posted to botanists (HTTP 200, 1 attempt)");
      expect(page).toContain(`retrain run <a href="/runs/${retrain!.run}"><code>${retrain!.run}</code></a>`);
    } finally {
      await ui.close();
    }
  });
});
