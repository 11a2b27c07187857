/** Runtime commands of the `mlops` CLI, loaded lazily by the compiler's `main`. */
import type { Command } from "@mlops/compiler/cli";
import { modelsCommand } from "./models-command.js";
import { monitorCommand } from "./monitor-command.js";
import { planCommand } from "./plan-command.js";
import { reportCommand } from "./report-command.js";
import { runCommand } from "./run-command.js";
import { runStepCommand } from "./run-step-command.js";
import { rolloutCommand } from "./rollout-command.js";
import { runsCommand } from "./runs-command.js";
import { serveCommand } from "./serve-command.js";
import { uiCommand } from "./ui-command.js";

export const commands: Record<string, Command> = {
  run: runCommand,
  "run-step": runStepCommand,
  models: modelsCommand,
  runs: runsCommand,
  monitor: monitorCommand,
  serve: serveCommand,
  plan: planCommand,
  rollout: rolloutCommand,
  report: reportCommand,
  ui: uiCommand,
};
