/**
 * A cached no-op `mlops run` of the fraud example, wall time from spawning Node to its exit (what
 * a CI job or a cron tick pays when nothing changed), beside `node -e 0` measured in the same
 * loop. Runs the built CLI (`compiler/bin/mlops.js`, after `npm run build`), as `npx mlops` does.
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

function wall(args: string[], cwd: string): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
  const ms = performance.now() - start;
  if (result.status !== 0) throw new Error(`node ${args.join(" ")} exited ${result.status}:\n${result.stdout}${result.stderr}`);
  return ms;
}

export default async function bench(): Promise<void> {
  execFileSync("npm", ["run", "build", "--silent"], { cwd: REPO, stdio: "inherit" });
  const dir = copyFraudExample("cold-start");
  try {
    wall([BIN, "run", ".", "--quiet"], dir);
    const run: number[] = [];
    const node: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      node.push(wall(["-e", "0"], dir));
      run.push(wall([BIN, "run", ".", "--quiet"], dir));
    }
    const cached = spawnSync(process.execPath, [BIN, "run", "."], { cwd: dir, encoding: "utf8" }).stdout;
    if (!/cached/.test(cached)) throw new Error(`the second run was not cached:\n${cached}`);
    const m = median(run);
    const n = median(node);
    console.log(`cached no-op \`mlops run\` of examples/fraud, wall time including Node's start (median of ${ROUNDS}):`);
    console.log(
      `  mlops run ${m.toFixed(0)} ms   node -e 0 ${n.toFixed(0)} ms   ratio ${(m / n).toFixed(2)}   (target < 300 ms: ${m < 300 ? "met" : "not met"})`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
