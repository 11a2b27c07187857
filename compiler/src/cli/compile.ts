import { createProgram, type Program } from "../program/program.js";
import type { CompilerHost } from "../host/host.js";
import { NodeHost } from "../node/node-host.js";
import type { CompilationInput } from "./inputs.js";

/**
 * Compiles one command-line input with the Node host. The compiler reads files only below
 * the input's project root (the folder given, or the folder of the file given) and the
 * folders allowed with `--allow-read`.
 */
export function compile(
  input: CompilationInput,
  env?: string,
  allowRead: readonly string[] = [],
  host: CompilerHost = new NodeHost(),
): { program: Program } {
  const program = createProgram({
    host,
    rootFiles: input.rootFiles,
    projectRoot: input.projectRoot,
    allowRead: [...allowRead],
    ...(env !== undefined && { env }),
  });
  return { program };
}
