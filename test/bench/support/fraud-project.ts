/** The project most benchmarks measure on: a temp copy of examples/fraud, compiled as the CLI compiles it. */
import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BuiltPlan, buildPlanFromSources } from "../../../compiler/src/cli/build-plan.js";

/** A new temp folder holding examples/fraud without its `.mlops/` state; the caller removes it. */
export function copyFraudExample(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `mlops-${name}-`));
  cpSync(fileURLToPath(new URL("../../../examples/fraud", import.meta.url)), dir, {
    recursive: true,
    filter: (src) => !/[\\/]\.mlops$/.test(src),
  });
  return dir;
}

/** The plan of the project in `dir` (default env); throws with the diagnostics on stderr when it does not compile. */
export function compileProject(dir: string): BuiltPlan {
  const io = { stdout: () => {}, stderr: (t: string) => void process.stderr.write(t), isTTY: false, cwd: dir, env: {} };
  const built = buildPlanFromSources(dir, undefined, io);
  if (!built) throw new Error(`${dir} does not compile`);
  return built;
}
