/** The shape every `mlops` subcommand has. One file per command under `cli/commands/`. */

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** True when stdout is a terminal: colors and live progress only then. */
  isTTY: boolean;
  cwd: string;
  env: Record<string, string | undefined>;
  /** Folders outside the project the compiler may read (`--allow-read DIR`, any command), absolute. */
  allowRead?: string[];
}

export interface Command {
  name: string;
  /** One line for `mlops --help`. */
  summary: string;
  /** Usage text printed by `mlops help NAME` and after a usage error. */
  usage: string;
  /** Returns the exit code: 0 ok, 1 diagnostics with errors / failure, 2 usage error. */
  run(args: string[], io: CliIO): Promise<number>;
}

/** Thrown by commands for a usage error; `main` prints it in one line and exits 2. */
export class UsageError extends Error {}
