import type { CompilerHost } from "@mlops/compiler";

/**
 * The files the server can see besides the open editor buffers: the disk
 * under Node (`node-files.ts`), a map in memory in a browser
 * (`memory-files.ts`). Everything else in the server is the same code in both.
 */
export interface ServerFiles {
  /** The compiler host for files that are not open: the open buffers are laid over it. */
  readonly host: CompilerHost;
  /** The text of a file that is not open, or undefined when there is none. */
  readText(path: string): string | undefined;
  /** Every `.mlops` file under a workspace folder (bounded). */
  listMlopsFiles(root: string): string[];
}
