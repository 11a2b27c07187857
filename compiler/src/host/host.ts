/**
 * Everything the compiler core needs from the outside world. The core imports
 * no Node API: the CLI passes a Node host (`node/node-host.ts`), tests and the
 * browser an in-memory one (`host/memory-host.ts`).
 *
 * Paths are POSIX-style strings ("/project/main.mlops"); hosts translate.
 */
export interface CompilerHost {
  /** The text of a file, or undefined when it does not exist or cannot be read. */
  readFile(path: string): string | undefined;
  /** The bytes of a file (ONNX models read at compile time), or undefined. */
  readBinaryFile(path: string): Uint8Array | undefined;
  fileExists(path: string): boolean;
  /** The path of a stdlib module's file (`gates` → ".../stdlib/std/gates.mlops"), or undefined. */
  stdlibModulePath(module: string): string | undefined;
  /** Every stdlib module name, for completion. */
  stdlibModules(): string[];
}
