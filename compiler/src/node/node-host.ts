/** The compiler host over the real file system, with the repo's (or the installed) standard library. */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { CompilerHost } from "../host/host.js";

/** The folder holding `NAME.mlops` stdlib modules: `stdlib/std` of the repo, else the installed @mlops/stdlib. */
export function findStdlibDir(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  // compiler/src/node or compiler/dist/node → ../../../stdlib/std
  const candidates = [resolve(here, "../../../stdlib/std")];
  try {
    const require = createRequire(import.meta.url);
    candidates.push(join(dirname(require.resolve("@mlops/stdlib/package.json")), "std"));
  } catch {
    // not installed as a package: the repo layout above is the only place
  }
  return candidates.find((c) => existsSync(c) && statSync(c).isDirectory());
}

export class NodeHost implements CompilerHost {
  private readonly stdlibDir: string | undefined;

  constructor(options: { stdlibDir?: string } = {}) {
    this.stdlibDir = options.stdlibDir ?? findStdlibDir();
  }

  readFile(path: string): string | undefined {
    try {
      return readFileSync(path, "utf8");
    } catch {
      return undefined;
    }
  }

  readBinaryFile(path: string): Uint8Array | undefined {
    try {
      return new Uint8Array(readFileSync(path));
    } catch {
      return undefined;
    }
  }

  fileExists(path: string): boolean {
    try {
      return statSync(path).isFile();
    } catch {
      return false;
    }
  }

  stdlibModulePath(module: string): string | undefined {
    if (!this.stdlibDir || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(module)) return undefined;
    const path = join(this.stdlibDir, `${module}.mlops`).split("\\").join("/");
    return this.fileExists(path) ? path : undefined;
  }

  stdlibModules(): string[] {
    if (!this.stdlibDir) return [];
    try {
      return readdirSync(this.stdlibDir)
        .filter((n) => n.endsWith(".mlops"))
        .map((n) => n.slice(0, -".mlops".length))
        .sort();
    } catch {
      return [];
    }
  }
}
