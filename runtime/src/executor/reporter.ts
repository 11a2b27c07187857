/** Events the executor emits while it runs; the CLI turns them into a live view, plain lines or JSON. */
import type { Step } from "@mlops/compiler";
import type { StepProgress } from "./step-context.js";

export type StepRunStatus = "succeeded" | "cached" | "failed" | "skipped";

export interface StepResult {
  stepId: string;
  kind: Step["kind"];
  status: StepRunStatus;
  durationMs: number;
  metrics: Record<string, number>;
  summary?: string;
  error?: string;
  /** Reports explaining a failure (project-relative paths). */
  reports: string[];
  /** Artifact name → content hash. */
  outputs: Record<string, string>;
  /** Attempts made, when more than one (the step's `retries`). */
  attempts?: number;
}

export interface RunResult {
  runId: string;
  pipeline: string;
  group: string;
  status: "succeeded" | "failed";
  durationMs: number;
  steps: StepResult[];
  /** Earlier runs found abandoned (process gone) and marked interrupted. */
  interrupted: string[];
}

export interface RunReporter {
  runStarted(info: { runId: string; pipeline: string; group: string; steps: Step[]; interrupted: string[] }): void;
  stepStarted(step: Step): void;
  stepProgress(step: Step, progress: StepProgress): void;
  stepNote(step: Step, text: string): void;
  stepFinished(step: Step, result: StepResult): void;
  runFinished(result: RunResult): void;
}

export const silentReporter: RunReporter = {
  runStarted() {},
  stepStarted() {},
  stepProgress() {},
  stepNote() {},
  stepFinished() {},
  runFinished() {},
};
