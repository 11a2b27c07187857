/**
 * `mlops ui` over shared stores (a real PostgreSQL for the metadata and a real S3 server for the
 * artifacts, both started here): the credit example run against them, then the built CLI's
 * `mlops ui` with the same settings serves the run, its pictures (curve data read back from the
 * bucket), the model and the lineage — and no page or line of output shows the database password.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POSTGRES_MISSING, postgresAvailable, startPostgres, type PostgresServer } from "../../../test/support/postgres-server.js";
import { startS3, type S3Server } from "../../../test/support/s3-server.js";
import { REPO, copyExample, removeProjects } from "../executor/support/projects.js";
import { runJson } from "../executor/support/run-json.js";

const available = postgresAvailable();
if (!available) console.log(`mlops ui on shared stores skipped: ${POSTGRES_MISSING}`);

/** The built CLI (the global setup rebuilds dist/). */
const CLI = join(REPO, "compiler/bin/mlops.js");
const PASSWORD = "ui-pass-51c0de";

/** Starts `mlops ui` and resolves with its URL once it listens. */
function startUiProcess(dir: string, env: Record<string, string>): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [CLI, "ui", "--port", "0", "--project", dir], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.setEncoding("utf8");
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (chunk: string) => (output += chunk));
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (chunk: string) => {
      output += chunk;
      const found = output.match(/mlops ui: (http:\/\/127\.0\.0\.1:\d+\/) \(Ctrl-C to stop\)/);
      if (found) resolve({ child, url: found[1]!, output: () => output });
    });
    child.on("exit", (code) => reject(new Error(`mlops ui exited (${code}) before listening: ${output}`)));
  });
}

describe.skipIf(!available)("mlops ui on shared stores [postgres + s3]", () => {
  let postgres: PostgresServer;
  let s3: S3Server;
  let dir: string;
  let env: Record<string, string>;
  let runId: string;

  beforeAll(async () => {
    [postgres, s3] = await Promise.all([startPostgres(), startS3(["mlops"])]);
    const url = (await postgres.createDatabase()).replace("postgres@", `postgres:${PASSWORD}@`);
    env = { ...s3.env, MLOPS_DATABASE_URL: url, MLOPS_ARTIFACT_STORE: "s3://mlops/credit" };
    dir = copyExample("credit");
    const { code, result } = await runJson(["run", dir], env);
    expect(code).toBe(0);
    runId = result.runId;
    expect(existsSync(join(dir, ".mlops", "metadata.db"))).toBe(false);
  }, 300_000);

  afterAll(async () => {
    postgres?.stop();
    await s3?.stop();
    removeProjects();
  });

  it("serves the run with its pictures, the model and the lineage, and never shows the password", { timeout: 120_000 }, async () => {
    const ui = await startUiProcess(dir, env);
    try {
      const page = async (path: string) => {
        const response = await fetch(new URL(path, ui.url));
        expect(response.status, path).toBe(200);
        return response.text();
      };
      const pages = {
        runs: await page("/"),
        run: await page(`/runs/${runId}`),
        model: await page("/models/default_clf"),
        lineage: await page("/lineage"),
        monitors: await page("/monitors"),
      };
      expect(pages.runs).toContain(`data-run="${runId}"`);
      for (const figure of ["roc", "pr", "calibration", "confusion", "coefficients", "search"])
        expect(pages.run).toContain(`data-figure="${figure}"`);
      expect(pages.run).toMatch(/<path[^>]+d="M/);
      expect(pages.model).toContain("best of 4 by auc");
      expect(pages.lineage).toContain("default_clf v1");
      // the header names the database it reads, without its password
      expect(pages.runs).toMatch(/postgres(ql)?:\/\/[^"<\s]*127\.0\.0\.1/);
      for (const text of [...Object.values(pages), ui.output()]) expect(text).not.toContain(PASSWORD);
    } finally {
      const exited = new Promise<number | null>((resolve) => ui.child.on("exit", resolve));
      ui.child.kill("SIGINT");
      expect(await exited).toBe(0);
    }
  });
});
