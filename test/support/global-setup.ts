import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/**
 * CLI tests spawn the built `mlops`; make sure dist/ matches the sources, built as
 * `npm run build` does (`tsc -b` is incremental: fast when current; then the precompiled plan
 * validator and the bundled CLI, which `compiler/bin/mlops.js` runs while it is current). A type
 * error fails the run in CI; locally it is printed and the tests run against the last good build.
 */
export default function setup(): void {
  const root = fileURLToPath(new URL("../..", import.meta.url));
  const tsc = fileURLToPath(new URL("../../node_modules/typescript/bin/tsc", import.meta.url));
  const result = spawnSync(process.execPath, [tsc, "-b"], { cwd: root, encoding: "utf8" });
  if (result.status === 0) {
    for (const script of ["compiler/scripts/precompile-plan-validator.mjs", "runtime/scripts/bundle-cli.mjs"]) {
      const step = spawnSync(process.execPath, [fileURLToPath(new URL(`../../${script}`, import.meta.url))], {
        cwd: root,
        encoding: "utf8",
      });
      if (step.status !== 0) throw new Error(`${script} failed:\n${step.stdout}${step.stderr}`);
    }
    return;
  }
  const output = `${result.stdout}${result.stderr}`.trim();
  if (process.env.CI) throw new Error(`tsc -b failed:\n${output}`);
  console.warn(`warning: tsc -b failed; CLI tests use the last build:\n${output.split("\n").slice(0, 10).join("\n")}`);
}
