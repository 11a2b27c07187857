/**
 * A cached no-op `mlops run` of the fraud example, wall time from spawning Node to its exit (what
 * a CI job or a cron tick pays when nothing changed), beside `node -e 0` measured in the same
 * loop. Runs the built CLI (`compiler/bin/mlops.js`, after `npm run build`), as `npx mlops` does:
 * the bundled CLI with the plan cache. For context, the same run without the bundle
 * (`MLOPS_BUNDLE=off`) and without the plan cache (`MLOPS_PLAN_CACHE=off`), interleaved.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { copyFraudExample } from "./support/fraud-project.js";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(REPO, "compiler/bin/mlops.js");
const ROUNDS = 15;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function wall(args: string[], cwd: string, env: Record<string, string> = {}): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const ms = performance.now() - start;
  if (result.status !== 0) throw new Error(`node ${args.join(" ")} exited ${result.status}:\n${result.stdout}${result.stderr}`);
  return ms;
}

export default async function bench(): Promise<void> {
  execFileSync("npm", ["run", "build", "--silent"], { cwd: REPO, stdio: "inherit" });
  const dir = copyFraudExample("cold-start");
  try {
    const run = [BIN, "run", ".", "--quiet"];
    wall(run, dir);
    const variants: Record<string, Record<string, string>> = {
      "mlops run": {},
      "  without the bundle": { MLOPS_BUNDLE: "off" },
      "  without the plan cache": { MLOPS_PLAN_CACHE: "off" },
    };
    const times = new Map<string, number[]>([["node -e 0", []], ...Object.keys(variants).map((name): [string, number[]] => [name, []])]);
    for (let r = 0; r < ROUNDS; r++) {
      times.get("node -e 0")!.push(wall(["-e", "0"], dir));
      for (const [name, env] of Object.entries(variants)) times.get(name)!.push(wall(run, dir, env));
    }
    const cached = spawnSync(process.execPath, [BIN, "run", "."], { cwd: dir, encoding: "utf8" }).stdout;
    if (!/cached/.test(cached)) throw new Error(`the second run was not cached:\n${cached}`);
    const node = median(times.get("node -e 0")!);
    console.log(`cached no-op \`mlops run\` of examples/fraud, wall time including Node's start (median of ${ROUNDS}, interleaved):`);
    console.log(`  node -e 0                  ${node.toFixed(0).padStart(4)} ms`);
    for (const name of Object.keys(variants)) {
      const m = median(times.get(name)!);
      const goal = name === "mlops run" ? `   (target < 300 ms: ${m < 300 ? "met" : "not met"})` : "";
      console.log(`  ${name.padEnd(26)} ${m.toFixed(0).padStart(4)} ms   ratio ${(m / node).toFixed(2)}${goal}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
