/**
 * Everything the compiler core needs from the outside world. The core imports
 * no Node API: the CLI passes a Node host (`node/node-host.ts`), tests and the
 * browser an in-memory one (`host/memory-host.ts`).
 *
 * Paths are POSIX-style strings ("/project/main.mlops"); hosts translate.
 * The core asks `stat` before it reads anything and reads only regular files below the
 * project root (`program/file-access.ts`); a host must still never block or read without
 * bound: `readBinaryFile` refuses what is not a regular file and stops at `maxBytes`.
 */
export interface CompilerHost {
  /** The text of a file, or undefined when it does not exist or cannot be read. */
  readFile(path: string): string | undefined;
  /**
   * The bytes of a regular file (sources, ONNX models read at compile time), or undefined when
   * it is missing, not a regular file (never blocks on a FIFO or device), or larger than `maxBytes`.
   */
  readBinaryFile(path: string, maxBytes?: number): Uint8Array | undefined;
  fileExists(path: string): boolean;
  /** What is at `path` (symbolic links followed), without opening it; undefined when nothing is. */
  stat(path: string): FileInfo | undefined;
  /** The path of a stdlib module's file (`gates` → ".../stdlib/std/gates.mlops"), or undefined. */
  stdlibModulePath(module: string): string | undefined;
  /** Every stdlib module name, for completion. */
  stdlibModules(): string[];
}

export interface FileInfo {
  /** `other`: a FIFO, socket or device: never opened. */
  kind: "file" | "directory" | "other";
  /** In bytes (regular files). */
  size: number;
  /** The path with every symbolic link resolved: what the project-root check looks at. */
  realPath: string;
  /** For `other`: what it is, for messages ("a FIFO", "a character device"). */
  description?: string;
}
