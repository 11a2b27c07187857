import { createHash } from "node:crypto";
import { resolve, sep } from "node:path";
import type { CliIO, Command } from "./command.js";
import { UsageError } from "./command.js";
import { VERSION } from "../version.js";
import { useNativeSha256 } from "../util/sha256.js";

useNativeSha256((input) => createHash("sha256").update(input).digest("hex"));

/**
 * Commands are loaded lazily so `mlops check` never pays for the runtime.
 * Runtime commands live in `@mlops/runtime` (which depends on the compiler,
 * not the other way round) and are found through its `cli` export.
 */
const compilerCommands: Record<string, () => Promise<Command>> = {
  check: async () => (await import("./commands/check.js")).checkCommand,
  build: async () => (await import("./commands/build.js")).buildCommand,
  plan: async () => (await import("./commands/plan.js")).planCommand,
  diff: async () => (await import("./commands/diff.js")).diffCommand,
  render: async () => (await import("./commands/render.js")).renderCommand,
  fmt: async () => (await import("./commands/fmt.js")).fmtCommand,
};

const runtimeCommandNames = ["run", "run-step", "monitor", "models", "runs", "serve", "rollout", "report", "ui"];

/** The runtime's command table (`@mlops/runtime/cli`), or undefined when the runtime is not installed. */
export type RuntimeCommands = () => Promise<{ commandLoaders: Record<string, () => Promise<Command>> } | undefined>;

/** Finds `@mlops/runtime/cli` at run time; the bundled CLI passes a static import instead. */
const installedRuntime: RuntimeCommands = async () => {
  const specifier = "@mlops/runtime/cli";
  try {
    return (await import(specifier)) as Awaited<ReturnType<RuntimeCommands>>;
  } catch (error) {
    if ((error as { code?: string }).code === "ERR_MODULE_NOT_FOUND") return undefined;
    throw error;
  }
};

async function loadRuntimeCommand(runtime: RuntimeCommands, name: string): Promise<Command | undefined> {
  return (await runtime())?.commandLoaders[name]?.();
}

export function defaultIO(): CliIO {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTTY: Boolean(process.stdout.isTTY),
    cwd: process.cwd(),
    env: process.env,
  };
}

function helpText(): string {
  const names = [...Object.keys(compilerCommands), ...runtimeCommandNames].sort();
  return `mlops ${VERSION} — a typed language for ML systems\n\nusage: mlops <command> [options]\n\ncommands: ${names.join(", ")}\n\nThe compiler reads only regular files below the project (the folder given, or the folder of\nthe file given); --allow-read DIR (any command, repeatable) lets it read below DIR too.\n\nRun \`mlops help <command>\` for a command's options.\n`;
}

/**
 * `--allow-read DIR` (repeatable, any command that compiles): the compiler may also read
 * `.mlops` files and ONNX models below DIR. Taken out before the command parses its options.
 */
function takeAllowRead(argv: string[], cwd: string): { args: string[]; allowRead: string[] } | { error: string } {
  const args: string[] = [];
  const allowRead: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      args.push(...argv.slice(i));
      break;
    }
    if (arg === "--allow-read" || arg.startsWith("--allow-read=")) {
      const dir = arg === "--allow-read" ? argv[++i] : arg.slice("--allow-read=".length);
      if (!dir) return { error: "--allow-read needs a folder" };
      allowRead.push(resolve(cwd, dir).split(sep).join("/"));
    } else args.push(arg);
  }
  return { args, allowRead };
}

export async function main(argv: string[], io: CliIO = defaultIO(), runtime: RuntimeCommands = installedRuntime): Promise<number> {
  const taken = takeAllowRead(argv, io.cwd);
  if ("error" in taken) {
    io.stderr(`mlops: ${taken.error}\n`);
    return 2;
  }
  if (taken.allowRead.length > 0) io = { ...io, allowRead: [...(io.allowRead ?? []), ...taken.allowRead] };
  const [name, ...args] = taken.args;
  if (name === undefined || name === "--help" || name === "-h" || (name === "help" && args.length === 0)) {
    io.stdout(helpText());
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-v") {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const wanted = name === "help" ? args[0]! : name;
  const command = await findCommand(wanted, runtime);
  if (!command) {
    io.stderr(`mlops: unknown command '${wanted}' (run \`mlops --help\` for the list)\n`);
    return 2;
  }
  if (name === "help" || args.includes("--help") || args.includes("-h")) {
    io.stdout(`${command.usage.trimEnd()}\n`);
    return 0;
  }
  // A command that documents --allow-read itself (`run`: sources outside the project) also parses it.
  const commandArgs = command.usage.includes("--allow-read") ? withoutFirst(argv, name) : args;
  try {
    return await command.run(commandArgs, io);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      io.stderr(`mlops ${command.name}: ${(error as Error).message}\n`);
      return 2;
    }
    throw error;
  }
}

function withoutFirst(list: string[], item: string): string[] {
  const at = list.indexOf(item);
  return [...list.slice(0, at), ...list.slice(at + 1)];
}

/** Commands the runtime extends when it is installed (`plan` then compares with the stored cache). */
const runtimeFirstNames = ["plan"];

async function findCommand(name: string, runtime: RuntimeCommands): Promise<Command | undefined> {
  if (runtimeFirstNames.includes(name)) {
    const extended = await loadRuntimeCommand(runtime, name);
    if (extended) return extended;
  }
  const load = compilerCommands[name];
  if (load) return load();
  if (runtimeCommandNames.includes(name)) return loadRuntimeCommand(runtime, name);
  return undefined;
}
