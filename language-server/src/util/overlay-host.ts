import type { CompilerHost } from "@mlops/compiler";

/**
 * A compiler host with open editor buffers laid over another host (the CLI's
 * `NodeHost`, or a `MemoryHost` in a browser): what the compiler reads is what
 * the editor shows, and everything else resolves exactly as `mlops check`
 * resolves it.
 */
export class OverlayHost implements CompilerHost {
  constructor(
    private readonly overlay: (path: string) => string | undefined,
    private readonly base: CompilerHost,
  ) {}

  readFile(path: string): string | undefined {
    return this.overlay(path) ?? this.base.readFile(path);
  }

  readBinaryFile(path: string): Uint8Array | undefined {
    return this.base.readBinaryFile(path);
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
