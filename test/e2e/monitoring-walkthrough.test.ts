/**
 * The README's monitoring walkthrough runs as a new user would run it (`node
 * examples/iris/monitoring-walkthrough.mjs`: the built CLI, a real `mlops serve` process, a webhook
 * receiver) and goes through every stage: quiet, retrain + promote + alert, rollback, and the audit
 * trail with every action the monitor took.
 */
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const REPO = fileURLToPath(new URL("../../", import.meta.url));

describe("examples/iris/monitoring-walkthrough.mjs", () => {
  it("walks through the loop with one command", { timeout: 600_000 }, () => {
    const result = spawnSync(process.execPath, [join(REPO, "examples/iris/monitoring-walkthrough.mjs")], {
      cwd: REPO,
      encoding: "utf8",
      timeout: 540_000,
    });
    const output = result.stdout + result.stderr;
    const project = /=== project: (\S+)/.exec(output)?.[1];
    if (project) rmSync(project, { recursive: true, force: true });
    expect(result.status, output).toBe(0);
    expect(output).toContain("mlops monitor exited 0 (quiet)");
    expect(output.match(/mlops monitor exited 1 \(a policy acted\)/g)).toHaveLength(2);
    expect(output).toMatch(/\[webhook receiver\] POST \/hooks\/botanists: drift_share >= 50% \(monitor api_watch\)/);
    expect(output).toContain("the server now answers with v2; alerts received: 1");
    expect(output).toContain("accuracy < 80% → production of species_clf rolled back to v1 (was v2)");
    expect(output).toContain("the server is back on v1");
    // the audit trail it ends with holds every action the monitor took
    expect(output).toContain(
      "monitor v1 — api_watch: drift_share >= 50% => alert(botanists) → alert posted to botanists (HTTP 200, 1 attempt)",
    );
    expect(output).toMatch(
      /monitor v1 — api_watch: drift_share >= 50% => retrain\(species_clf\) → retrain run \S+: species_clf registered v2/,
    );
    expect(output).toContain(
      "monitor v2 — api_watch: accuracy < 80% => rollback(species_api) → production of species_clf rolled back to v1 (was v2)",
    );
  });
});
