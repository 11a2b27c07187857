import type { CompilerHost, FileInfo } from "./host.js";

/**
 * A compiler host with texts laid over another host (the CLI's `NodeHost`, or a `MemoryHost`
 * in a browser): the editor's open buffers, a what-if's replaced file, a test's edited file.
 * What the compiler reads of an overlaid path is that text (a regular file at its own path, even
 * if it does not exist on disk yet); everything else resolves exactly as `mlops check` resolves it.
 */
export class OverlayHost implements CompilerHost {
  constructor(
    private readonly overlay: (path: string) => string | undefined,
    private readonly base: CompilerHost,
  ) {}

  readFile(path: string): string | undefined {
    return this.overlay(path) ?? this.base.readFile(path);
  }

  readBinaryFile(path: string, maxBytes?: number): Uint8Array | undefined {
    const text = this.overlay(path);
    if (text === undefined) return this.base.readBinaryFile(path, maxBytes);
    const bytes = new TextEncoder().encode(text);
    return maxBytes === undefined || bytes.length <= maxBytes ? bytes : undefined;
  }

  /** An open buffer is a regular file at its own path (it may not exist on disk yet). */
  stat(path: string): FileInfo | undefined {
    const text = this.overlay(path);
    if (text === undefined) return this.base.stat(path);
    const onDisk = this.base.stat(path);
    return { kind: "file", size: new TextEncoder().encode(text).length, realPath: onDisk?.realPath ?? path };
  }

  fileExists(path: string): boolean {
    return this.overlay(path) !== undefined || this.base.fileExists(path);
  }

  stdlibModulePath(module: string): string | undefined {
    return this.base.stdlibModulePath(module);
  }

  stdlibModules(): string[] {
    return this.base.stdlibModules();
  }
}
