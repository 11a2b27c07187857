import { MemoryHost } from "@mlops/compiler";
import type { ServerFiles } from "./files.js";

/**
 * Files in memory: the standard library's modules and nothing else. A browser
 * editor opens every file it shows, so the server sees them as open buffers.
 */
export class MemoryFiles implements ServerFiles {
  readonly host: MemoryHost;

  /** `stdlib` maps a module name (`gates`) to its text. */
  constructor(stdlib: Record<string, string>) {
    this.host = new MemoryHost({}, stdlib);
  }

  readText(path: string): string | undefined {
    return this.host.readFile(path);
  }

  listMlopsFiles(): string[] {
    return [];
  }
}
