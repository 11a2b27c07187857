import { spawn, spawnSync } from "node:child_process";
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
export function runCli(
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; timeout?: number; nodeOptions?: string[]; input?: string } = {},
): CliResult {
  const result = spawnSync(process.execPath, [...(options.nodeOptions ?? []), bin, ...args], {
    ...(options.input !== undefined && { input: options.input }),
    cwd: options.cwd ?? repoRoot,
    encoding: "utf8",
    timeout: options.timeout ?? 120_000,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: "1", ...options.env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * `runCli` without blocking this process: needed when a server the CLI talks to runs in the test
 * process itself (the S3 server), which a blocked event loop could not answer.
 */
export function runCliAsync(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: options.cwd ?? repoRoot,
      env: { ...process.env, NO_COLOR: "1", ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}
