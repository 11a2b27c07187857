/**
 * The newcomer's first command, through the built CLI (`node compiler/bin/mlops.js`, the `mlops`
 * bin; dist/ is rebuilt by the global setup): `mlops run <example>` trains, evaluates, gates and
 * registers, then `mlops models list` shows the production version. Runs in a copy of the example.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(REPO, "compiler/bin/mlops.js");
const dirs: string[] = [];

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function copy(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `mlops-e2e-${name}-`));
  cpSync(join(REPO, "examples", name), dir, { recursive: true, filter: (src) => !/[\\/](\.mlops|out)$/.test(src) });
  dirs.push(dir);
  return dir;
}

function mlops(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8", timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("mlops run (built CLI)", () => {
  // credit deploys nothing, so its registered version gets no alias
  for (const [example, model, aliases] of [
    ["credit", "default_clf", ""],
    ["fraud", "fraud_clf", "production=v1"],
    ["house-prices", "price_model", "production=v1"],
    ["iris", "species_clf", "production=v1"],
  ] as const) {
    it(`${example}: runs end to end and registers ${model}${aliases ? " as production" : ""}`, { timeout: 180_000 }, () => {
      const dir = copy(example);
      const run = mlops(["run", "."], dir);
      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
      expect(run.stdout).toMatch(/^step\s+status\s+time\s+result$/m);
      expect(run.stdout).toMatch(new RegExp(`^register\\.${model}\\s+succeeded\\s+\\S+\\s+registered v1$`, "m"));
      expect(run.stdout).toMatch(/^run \S+ succeeded in /m);
      const models = mlops(["models", "list"], dir);
      expect(models.stdout).toMatch(new RegExp(`^${model}\\s+1\\s+v1${aliases ? `\\s+${aliases}` : ""}\\s*$`, "m"));
      const again = mlops(["run", ".", "--quiet"], dir);
      expect(again).toMatchObject({ status: 0, stdout: "", stderr: "" });
    });
  }
});
