/** The table `mlops run` ends with: step, status, time, key metrics. */
import { escapeControl } from "@mlops/compiler/core";
import type { RunResult, StepResult } from "../executor/reporter.js";

export function formatSummaryTable(result: RunResult): string {
  const rows = result.steps.map((s) => [s.stepId, s.status, time(s), detail(s)]);
  const header = ["step", "status", "time", "result"];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, c) => (c === cells.length - 1 ? cell : c === 2 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

function time(step: StepResult): string {
  if (step.status === "skipped") return "-";
  return step.durationMs < 1000 ? `${Math.round(step.durationMs)}ms` : `${(step.durationMs / 1000).toFixed(1)}s`;
}

/** The result column; data-derived text (headers, cells) has its control characters escaped. */
function detail(step: StepResult): string {
  if (step.status === "skipped") return escapeControl(step.error ?? "");
  if (step.status === "failed") return escapeControl((step.error ?? "").split("\n")[0]!);
  return escapeControl(step.summary ?? "");
}
