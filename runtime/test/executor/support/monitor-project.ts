/** The iris example with a monitor of its batch deployment, traffic in its request log, and the monitor's report. */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The path of the notifier's secret webhook URL: it must never be printed. */
export const SECRET_PATH = "/hooks/T000/s3cr3t-token-do-not-print";

/** A notifier `oncall` (Slack format) and monitor `iris_drift` with these policy lines, to append to iris.mlops. */
export function monitorProgram(policies: string, notifierTimeout = "5s"): string {
  return `
notifier oncall {
  webhook = secret("oncall", "url")
  format  = slack
  retries = 2
  timeout = ${notifierTimeout}
}

monitor iris_drift {
  deployment = species_scores
  reference  = training
  window     = 1d
  schedule   = every(6h)
  drift petal_length: psi > 0.2
  drift petal_width:  psi > 0.2
${policies}
}
`;
}

/** The training rows as served traffic of the last 150 minutes, petal measures shifted by `shift`. */
export function writeTraffic(dir: string, shift: number): void {
  const rows = readFileSync(join(dir, "data/iris.csv"), "utf8").trim().split("\n").slice(1);
  const now = Date.now();
  const lines = rows.map((row, i) => {
    const [sl, sw, pl, pw] = row.split(",").map(Number);
    const record = { sepal_length: sl, sepal_width: sw, petal_length: pl! + shift, petal_width: pw! + shift / 2 };
    return JSON.stringify({ v: 1, at: new Date(now - (i + 1) * 60_000).toISOString(), record, latencyMs: 2 });
  });
  mkdirSync(join(dir, ".mlops/requests"), { recursive: true });
  writeFileSync(join(dir, ".mlops/requests/species_scores.jsonl"), `${lines.join("\n")}\n`);
}

export interface PolicyJson {
  policy: string;
  triggered: boolean;
  acted: boolean;
  outcome?: string;
  run?: string;
}

/** The policies of the last check of `iris_drift`, from its report. */
export function policies(dir: string): PolicyJson[] {
  return (JSON.parse(readFileSync(join(dir, ".mlops/reports/monitor.iris_drift/monitor.json"), "utf8")) as { policies: PolicyJson[] })
    .policies;
}
