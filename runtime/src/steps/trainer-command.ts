/** Runs an external trainer's command: its output lines (stdout and stderr, never split mid-line) go to `onLine`. */
import { spawn } from "node:child_process";
import type { Readable } from "node:stream";
import { StepFailure } from "../executor/step-context.js";

/** How many of the command's last lines a failure shows. */
const TAIL_LINES = 20;
/** After SIGTERM, how long the command has to exit before SIGKILL. */
export const KILL_GRACE_MS = 5000;

/**
 * Runs the command; when `signal` aborts (the step's timeout) the command gets SIGTERM, and SIGKILL
 * if it is still running `KILL_GRACE_MS` later. `signal` says by which signal it ended, if any.
 */
export function runTrainerCommand(
  command: readonly string[],
  cwd: string,
  env: Record<string, string>,
  onLine: (line: string) => void,
  signal?: AbortSignal,
): Promise<{ code: number; signal: NodeJS.Signals | null; tail: string }> {
  return new Promise((resolve, reject) => {
    const [program, ...args] = command;
    if (!program) return reject(new StepFailure("external trainer: empty command"));
    if (signal?.aborted) return reject(signal.reason);
    const child = spawn(program, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let killer: ReturnType<typeof setTimeout> | undefined;
    const stop = (): void => {
      child.kill("SIGTERM");
      killer = setTimeout(() => child.kill("SIGKILL"), KILL_GRACE_MS);
    };
    signal?.addEventListener("abort", stop, { once: true });
    const tail: string[] = [];
    const take = (line: string): void => {
      if (line.trim() === "") return;
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
      onLine(line);
    };
    const streams = [forEachLine(child.stdout, take), forEachLine(child.stderr, take)];
    child.on("error", (error) => reject(new StepFailure(`cannot run \`${command.join(" ")}\`: ${error.message}`)));
    child.on("close", (code, killedBy) => {
      clearTimeout(killer);
      signal?.removeEventListener("abort", stop);
      for (const flush of streams) flush();
      resolve({ code: code ?? 128, signal: killedBy, tail: tail.join("\n") });
    });
  });
}

/** Calls `onLine` for each complete line of `stream` (chunks may end mid-line); the returned function flushes the last partial line. */
function forEachLine(stream: Readable, onLine: (line: string) => void): () => void {
  stream.setEncoding("utf8");
  let partial = "";
  stream.on("data", (chunk: string) => {
    const lines = (partial + chunk).split(/\r?\n/);
    partial = lines.pop()!;
    for (const line of lines) onLine(line);
  });
  return () => {
    if (partial !== "") onLine(partial);
    partial = "";
  };
}
