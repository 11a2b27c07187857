/**
 * Runtime commands of the `mlops` CLI, found by the compiler's `main`. Each command's module is
 * imported only when it runs, so `mlops run` never loads the model server and `mlops runs` never
 * loads onnxruntime.
 */
import type { Command } from "@mlops/compiler/cli-core";

export const commandLoaders: Record<string, () => Promise<Command>> = {
  run: async () => (await import("./run-command.js")).runCommand,
  "run-step": async () => (await import("./run-step-command.js")).runStepCommand,
  models: async () => (await import("./models-command.js")).modelsCommand,
  runs: async () => (await import("./runs-command.js")).runsCommand,
  monitor: async () => (await import("./monitor-command.js")).monitorCommand,
  serve: async () => (await import("./serve-command.js")).serveCommand,
  plan: async () => (await import("./plan-command.js")).planCommand,
  rollout: async () => (await import("./rollout-command.js")).rolloutCommand,
  report: async () => (await import("./report-command.js")).reportCommand,
  ui: async () => (await import("./ui-command.js")).uiCommand,
};
