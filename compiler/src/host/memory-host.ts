import type { CompilerHost } from "./host.js";
import { normalizePath } from "./paths.js";

/** A host over a map of files: for tests, the browser playground and unsaved editor buffers. */
export class MemoryHost implements CompilerHost {
  private readonly files = new Map<string, string | Uint8Array>();

  constructor(
    files: Record<string, string | Uint8Array> = {},
    private readonly stdlib: Record<string, string> = {},
  ) {
    for (const [path, content] of Object.entries(files)) this.files.set(normalizePath(path), content);
    for (const [module, content] of Object.entries(stdlib)) this.files.set(`/std/${module}.mlops`, content);
  }

  setFile(path: string, content: string | Uint8Array): void {
    this.files.set(normalizePath(path), content);
  }

  deleteFile(path: string): void {
    this.files.delete(normalizePath(path));
  }

  readFile(path: string): string | undefined {
    const content = this.files.get(normalizePath(path));
    return typeof content === "string" ? content : undefined;
  }

  readBinaryFile(path: string): Uint8Array | undefined {
    const content = this.files.get(normalizePath(path));
    if (content === undefined) return undefined;
    return typeof content === "string" ? new TextEncoder().encode(content) : content;
  }

  fileExists(path: string): boolean {
    return this.files.has(normalizePath(path));
  }

  stdlibModulePath(module: string): string | undefined {
    return module in this.stdlib ? `/std/${module}.mlops` : undefined;
  }

  stdlibModules(): string[] {
    return Object.keys(this.stdlib).sort();
  }
}
