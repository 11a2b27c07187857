#!/usr/bin/env node
// The monitoring loop, stage by stage, on this machine (127.0.0.1 only; nothing downloaded):
//
//   node examples/iris/monitoring-walkthrough.mjs
//
// It copies this example to a temporary folder, adds an online deployment, a labels source, a
// notifier and a monitor (`monitoring.mlops.txt` beside this script), trains and promotes v1,
// starts `mlops serve` and a webhook receiver, then:
//   1. clean traffic            → `mlops monitor --exit-code` is quiet (exit 0)
//   2. drifted traffic, new data → the monitor retrains (v2 passes the gate and is promoted; the
//                                  server switches to it) and the receiver gets the alert (exit 1)
//   3. labels that say v2 is wrong → accuracy falls, the monitor rolls back (the server follows)
// The project is left in place for `mlops runs list`, `mlops models list` and the reports.
import { spawn } from "node:child_process";
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, "..", "..", "node_modules", ".bin", "mlops");
const dir = mkdtempSync(join(tmpdir(), "mlops-monitoring-"));
cpSync(here, dir, { recursive: true, filter: (src) => !/[\\/](\.mlops|out)$/.test(src) });
appendFileSync(join(dir, "iris.mlops"), readFileSync(join(here, "monitoring.mlops.txt"), "utf8"));
writeFileSync(join(dir, "data/outcomes.csv"), "request_id,instance,species\n");

const stage = (text) => console.log(`\n=== ${text}`);
// asynchronous, so the webhook receiver below keeps answering while the CLI runs
const mlops = (args, env = {}) =>
  new Promise((resolve) => {
    spawn(cli, args, { stdio: "inherit", env: { ...process.env, ...env } }).on("exit", (code) => resolve(code));
  });
const MEANING = { 0: "quiet", 1: "a policy acted", 3: "a monitor could not run" };
const monitor = async () => {
  const code = await mlops(["monitor", dir, "--exit-code"], env);
  console.log(`    mlops monitor exited ${code} (${MEANING[code] ?? "failed"})`);
  return code;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

// a webhook receiver standing in for Slack or a pager
const alerts = [];
const receiver = createServer((req, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    alerts.push(JSON.parse(body));
    console.log(`    [webhook receiver] ${req.method} ${req.url}: ${JSON.parse(body).policy} (monitor ${JSON.parse(body).monitor})`);
    res.writeHead(200).end();
  });
});
await new Promise((r) => receiver.listen(0, "127.0.0.1", r));
const env = { MLOPS_SECRET_BOTANISTS_WEBHOOK: `http://127.0.0.1:${receiver.address().port}/hooks/botanists` };

let server;
try {
  stage(`project: ${dir}`);
  stage("train and promote v1: mlops run");
  if ((await mlops(["run", dir])) !== 0) throw new Error("mlops run failed");

  const port = await freePort();
  stage(`mlops serve on 127.0.0.1:${port} (following the production alias)`);
  server = spawn(cli, ["serve", dir, "--deployment", "species_api", "--port", String(port), "--poll-interval-ms", "200"], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const ready = await fetch(`${url}/v2/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (i > 600) throw new Error("the server did not become ready");
    await sleep(100);
  }
  const rows = readFileSync(join(dir, "data/iris.csv"), "utf8")
    .trim()
    .split("\n")
    .slice(1, 151)
    .map((line) => {
      const [sepal_length, sepal_width, petal_length, petal_width] = line.split(",").map(Number);
      return { sepal_length, sepal_width, petal_length, petal_width };
    });
  const logPath = join(dir, ".mlops/requests/species_api.jsonl");
  const logged = () => (existsSync(logPath) ? readFileSync(logPath, "utf8").split("\n").filter(Boolean) : []);
  const send = async (shift) => {
    let version;
    for (let i = 0; i < rows.length; i += 30) {
      const instances = rows
        .slice(i, i + 30)
        .map((r) => ({ ...r, petal_length: r.petal_length + shift, petal_width: r.petal_width + shift / 2 }));
      const answer = await fetch(`${url}/predict`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ instances }),
      });
      version = (await answer.json()).version;
    }
    return version;
  };
  const waitForVersion = async (v) => {
    for (let i = 0; i < 300; i++) {
      const answer = await fetch(`${url}/predict`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ instances: [rows[0]] }),
      });
      if ((await answer.json()).version === v) return;
      await sleep(100);
    }
    throw new Error(`the server did not switch to v${v}`);
  };
  const untilLogged = async (n) => {
    for (let i = 0; i < 200 && logged().length < n; i++) await sleep(50);
  };

  stage("1. clean traffic (150 flowers), then mlops monitor --exit-code");
  console.log(`    answered by v${await send(0)}`);
  await untilLogged(150);
  await monitor();

  stage("2. drifted traffic (petals 2.5 cm longer) and 75 newly labelled training rows, then mlops monitor");
  for (let k = 0; k < 3; k++) await send(2.5);
  await untilLogged(600);
  appendFileSync(
    join(dir, "data/iris.csv"),
    `${readFileSync(join(dir, "data/iris.csv"), "utf8").trim().split("\n").slice(1, 76).join("\n")}\n`,
  );
  await monitor();
  await waitForVersion(2);
  console.log(`    the server now answers with v2; alerts received: ${alerts.length}`);

  stage("3. the true species arrive (delayed labels) and v2 got them wrong, then mlops monitor");
  await send(0);
  await untilLogged(750);
  const byV2 = logged()
    .map((l) => JSON.parse(l))
    .filter((e) => e.version === 2);
  const wrong = (label) => (label === "setosa" ? "virginica" : "setosa");
  writeFileSync(
    join(dir, "data/outcomes.csv"),
    `request_id,instance,species\n${byV2.map((e) => `${e.request},${e.instance},${wrong(e.output?.label)}`).join("\n")}\n`,
  );
  await monitor();
  await waitForVersion(1);
  console.log("    the server is back on v1");

  stage("the registry's audit trail");
  await mlops(["models", "show", "species_clf", "--project", dir]);
  console.log(`\nReports: ${join(dir, ".mlops/reports/monitor.api_watch/monitor.txt")}`);
} finally {
  server?.kill("SIGTERM");
  receiver.close();
}
