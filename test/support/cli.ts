import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "");
export const sharedDir = `${repoRoot}/../shared`;
const bin = `${repoRoot}/compiler/bin/mlops.js`;

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `mlops` CLI (dist/ is rebuilt by the global setup) with NO_COLOR and no TTY. */
export function runCli(args: string[], options: { cwd?: string; env?: Record<string, string>; timeout?: number } = {}): CliResult {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: options.cwd ?? repoRoot,
    encoding: "utf8",
    timeout: options.timeout ?? 120_000,
    env: { ...process.env, NO_COLOR: "1", ...options.env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
