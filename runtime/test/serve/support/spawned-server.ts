/** `mlops serve` as a real process (the built CLI, compiler/bin/mlops.js), for lifecycle tests. */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { REPO } from "../../executor/support/projects.js";

export const BIN = join(REPO, "compiler/bin/mlops.js");

export interface SpawnedServer {
  child: ChildProcess;
  /** Set once the start line was printed. */
  url: string;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
  /** SIGTERM, then the exit code; SIGKILL if it does not exit within `ms`. */
  terminate(ms?: number): Promise<number | string>;
}

/** Spawns `mlops serve ARGS` and waits for its start line (or its exit). */
export async function spawnServe(args: string[], cwd: string, env: Record<string, string> = {}): Promise<SpawnedServer> {
  const child = spawn(process.execPath, [BIN, "serve", ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.setEncoding("utf8").on("data", (t: string) => (out += t));
  child.stderr!.setEncoding("utf8").on("data", (t: string) => (err += t));
  const exited = new Promise<number | string>((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown")));
  const started = await new Promise<string | null>((resolve) => {
    const check = (): void => {
      const match = / start: listening on (http:\/\/[\d.]+:\d+)/.exec(out) ?? /"event":"start".*"url":"(http:\/\/[\d.]+:\d+)"/.exec(out);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on("data", check);
    void exited.then(() => resolve(null));
    check();
  });
  const server: SpawnedServer = {
    child,
    url: started ?? "",
    stdout: () => out,
    stderr: () => err,
    exited,
    async terminate(ms = 30_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), ms);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  return server;
}

/** Every spawned server still running is killed (afterAll). */
export function killAll(servers: SpawnedServer[]): Promise<unknown> {
  return Promise.all(servers.splice(0).map((s) => s.terminate(5_000)));
}
