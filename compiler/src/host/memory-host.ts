import type { CompilerHost, FileInfo } from "./host.js";
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

  readBinaryFile(path: string, maxBytes = Infinity): Uint8Array | undefined {
    const content = this.files.get(normalizePath(path));
    if (content === undefined) return undefined;
    const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
    return bytes.length <= maxBytes ? bytes : undefined;
  }

  stat(path: string): FileInfo | undefined {
    const p = normalizePath(path);
    const content = this.files.get(p);
    if (content !== undefined) {
      const size = typeof content === "string" ? new TextEncoder().encode(content).length : content.length;
      return { kind: "file", size, realPath: p };
    }
    const prefix = p === "/" ? "/" : `${p}/`;
    for (const key of this.files.keys()) if (key.startsWith(prefix)) return { kind: "directory", size: 0, realPath: p };
    return undefined;
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
