/** How `mlops run` shows a run: a live view on a TTY, plain lines on a pipe, nothing (`--quiet`) or JSON. */
import { count } from "@mlops/compiler/core";
import type { CliIO } from "@mlops/compiler/cli-core";
import type { Step } from "@mlops/compiler";
import { escapeControl } from "@mlops/compiler/core";
import type { RunReporter, RunResult, StepResult } from "../executor/reporter.js";
import type { StepProgress } from "../executor/step-context.js";
import { formatSummaryTable } from "./summary-table.js";

const ms = (value: number): string => (value < 1000 ? `${Math.round(value)}ms` : `${(value / 1000).toFixed(1)}s`);

function finishedLine(result: StepResult): string {
  const detail = result.status === "failed" ? "" : result.summary ? `  ${result.summary}` : "";
  const status = result.status === "cached" ? "cached" : result.status === "succeeded" ? "done" : result.status;
  const attempts = result.attempts ? `, ${result.attempts} attempts` : "";
  return `${status.padEnd(7)} ${result.stepId}  (${ms(result.durationMs)}${attempts})${detail}`;
}

function failureText(result: StepResult): string {
  if (result.status !== "failed" || !result.error) return "";
  return `${result.error
    .split("\n")
    .map((line) => `        ${escapeControl(line)}`)
    .join("\n")}\n`;
}

function startedText(info: { runId: string; pipeline: string; group: string; steps: Step[]; interrupted: string[] }): string {
  const lines = info.interrupted.map((id) => `run ${id} was interrupted (its process is gone); resuming from what it completed`);
  lines.push(`run ${info.runId}: ${info.pipeline}, ${count(info.steps.length, "step")} (${info.group})`);
  return `${lines.join("\n")}\n`;
}

function endText(result: RunResult): string {
  const failed = result.steps.filter((s) => s.status === "failed");
  const head =
    result.status === "succeeded"
      ? `run ${result.runId} succeeded in ${ms(result.durationMs)}`
      : `run ${result.runId} FAILED (${failed.map((s) => s.stepId).join(", ") || "steps skipped"})`;
  return `\n${formatSummaryTable(result)}\n${head}\n`;
}

/** Plain lines: one when a step starts, one when it ends (failures with their message). */
export function lineReporter(io: Pick<CliIO, "stdout" | "stderr">): RunReporter {
  return {
    runStarted: (info) => io.stdout(startedText(info)),
    stepStarted: (step) => io.stdout(`start   ${step.id}\n`),
    stepProgress: () => {},
    stepNote: (step, text) => io.stdout(`        ${step.id}: ${escapeControl(text)}\n`),
    stepFinished: (_step, result) => io.stdout(`${finishedLine(result)}\n${failureText(result)}`),
    runFinished: (result) => io.stdout(endText(result)),
  };
}

/** Only failures and the final line. */
export function quietReporter(io: Pick<CliIO, "stdout" | "stderr">): RunReporter {
  return {
    runStarted: () => {},
    stepStarted: () => {},
    stepProgress: () => {},
    stepNote: () => {},
    stepFinished: (_step, result) => {
      if (result.status === "failed") io.stderr(`${result.stepId} failed:\n${failureText(result)}`);
    },
    runFinished: (result) => {
      if (result.status !== "succeeded") io.stderr(`run ${result.runId} failed\n`);
    },
  };
}

/** One JSON document at the end (the run result). */
export function jsonReporter(io: Pick<CliIO, "stdout">): RunReporter {
  return {
    runStarted: () => {},
    stepStarted: () => {},
    stepProgress: () => {},
    stepNote: () => {},
    stepFinished: () => {},
    runFinished: (result) => io.stdout(`${JSON.stringify(result, null, 2)}\n`),
  };
}

/**
 * A live view: finished steps scroll up as plain lines; below them, one line per running step
 * with a progress bar when the step knows its total (bytes read, epochs), redrawn in place.
 */
export function ttyReporter(io: Pick<CliIO, "stdout" | "stderr">, width = 80): RunReporter {
  const running = new Map<string, { started: number; progress?: StepProgress }>();
  let drawn = 0;
  let lastDraw = 0;
  const clear = (): string => (drawn > 0 ? `\x1b[${drawn}A\x1b[0J` : "");
  const live = (): string => {
    const lines = [...running.entries()].map(
      ([id, s]) => `\x1b[36m${spinner()}\x1b[0m ${id} ${progressText(s.progress, width - id.length - 4)}`,
    );
    drawn = lines.length;
    return lines.map((l) => `${l}\n`).join("");
  };
  const redraw = (above = ""): void => {
    const before = clear();
    io.stdout(`${before}${above}${live()}`);
    lastDraw = Date.now();
  };
  let ticker: ReturnType<typeof setInterval> | undefined;
  const tick = (): void => {
    if (running.size > 0 && !ticker) {
      ticker = setInterval(() => redraw(), 120);
      ticker.unref();
    } else if (running.size === 0 && ticker) {
      clearInterval(ticker);
      ticker = undefined;
    }
  };
  const color = (result: StepResult): string =>
    result.status === "failed"
      ? "\x1b[31m"
      : result.status === "skipped"
        ? "\x1b[33m"
        : result.status === "cached"
          ? "\x1b[2m"
          : "\x1b[32m";
  return {
    runStarted: (info) => io.stdout(startedText(info)),
    stepStarted: (step) => {
      running.set(step.id, { started: Date.now() });
      tick();
      redraw();
    },
    stepProgress: (step, progress) => {
      const state = running.get(step.id);
      if (!state) return;
      state.progress = progress;
      if (Date.now() - lastDraw > 80) redraw();
    },
    stepNote: (step, text) => redraw(`        ${step.id}: ${escapeControl(text)}\n`),
    stepFinished: (step, result) => {
      running.delete(step.id);
      tick();
      redraw(`${color(result)}${finishedLine(result)}\x1b[0m\n${failureText(result)}`);
    },
    runFinished: (result) => {
      redraw();
      io.stdout(endText(result));
    },
  };
}

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
function spinner(): string {
  return FRAMES[Math.floor(Date.now() / 100) % FRAMES.length]!;
}

function progressText(progress: StepProgress | undefined, room: number): string {
  if (!progress) return "";
  const detail = progress.detail ? ` ${progress.detail}` : "";
  if (progress.total === undefined || progress.total <= 0) return `${progress.label} ${progress.done}${detail}`;
  const share = Math.min(1, progress.done / progress.total);
  const barWidth = Math.max(10, Math.min(30, room - 30));
  const filled = Math.round(share * barWidth);
  return `${progress.label} [${"█".repeat(filled)}${"░".repeat(barWidth - filled)}] ${Math.round(share * 100)}%${detail}`;
}
