import { createProgram, type Program } from "../program/program.js";
import { NodeHost } from "../node/node-host.js";
import type { CompilationInput } from "./inputs.js";

/** Compiles one command-line input with the Node host. */
export function compile(input: CompilationInput, env?: string): { program: Program } {
  const program = createProgram({ host: new NodeHost(), rootFiles: input.rootFiles, ...(env !== undefined && { env }) });
  return { program };
}
