/** Runs an external trainer's command: its output lines (stdout and stderr, never split mid-line) go to `onLine`. */
import { spawn } from "node:child_process";
import type { Readable } from "node:stream";
import { StepFailure } from "../executor/step-context.js";

/** How many of the command's last lines a failure shows. */
const TAIL_LINES = 20;

export function runTrainerCommand(
  command: readonly string[],
  cwd: string,
  env: Record<string, string>,
  onLine: (line: string) => void,
): Promise<{ code: number; tail: string }> {
  return new Promise((resolve, reject) => {
    const [program, ...args] = command;
    if (!program) return reject(new StepFailure("external trainer: empty command"));
    const child = spawn(program, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    const tail: string[] = [];
    const take = (line: string): void => {
      if (line.trim() === "") return;
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
      onLine(line);
    };
    const streams = [forEachLine(child.stdout, take), forEachLine(child.stderr, take)];
    child.on("error", (error) => reject(new StepFailure(`cannot run \`${command.join(" ")}\`: ${error.message}`)));
    child.on("close", (code, signal) => {
      for (const flush of streams) flush();
      resolve({ code: code ?? (signal ? 128 : 1), tail: tail.join("\n") });
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
