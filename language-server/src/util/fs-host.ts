import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";

/**
 * Where the standard library is: `<folder of the running server>/stdlib/std`
 * first (the VS Code extension ships it there), else the repository's
 * `@mlops/stdlib` package.
 */
export function findStdlibDir(serverScript: string | undefined = process.argv[1]): string | undefined {
  const candidates: string[] = [];
  if (serverScript) candidates.push(join(dirname(serverScript), "stdlib", "std"));
  try {
    const require = createRequire(serverScript ?? join(process.cwd(), "index.js"));
    candidates.push(join(dirname(require.resolve("@mlops/stdlib/package.json")), "std"));
  } catch {
    // not installed next to the server: fine, no stdlib then
  }
  return candidates.find((dir) => isDirectory(dir));
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** A compiler host on the local file system; `overlay` wins over the disk (unsaved editor buffers). */
export class OverlayFsHost {
  constructor(
    private readonly overlay: (path: string) => string | undefined,
    readonly stdlibDir: string | undefined,
  ) {}

  readFile(path: string): string | undefined {
    const open = this.overlay(path);
    if (open !== undefined) return open;
    try {
      return readFileSync(path, "utf8");
    } catch {
      return undefined;
    }
  }

  readBinaryFile(path: string): Uint8Array | undefined {
    try {
      return readFileSync(path);
    } catch {
      return undefined;
    }
  }

  fileExists(path: string): boolean {
    return this.overlay(path) !== undefined || existsSync(path);
  }

  stdlibModulePath(module: string): string | undefined {
    if (!this.stdlibDir || !/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(module)) return undefined;
    const path = join(this.stdlibDir, ...module.split(".")) + ".mlops";
    return existsSync(path) ? path.replace(/\\/g, "/") : undefined;
  }

  stdlibModules(): string[] {
    if (!this.stdlibDir) return [];
    try {
      return readdirSync(this.stdlibDir)
        .filter((name) => name.endsWith(".mlops"))
        .map((name) => name.slice(0, -".mlops".length))
        .sort();
    } catch {
      return [];
    }
  }
}

const SKIPPED = new Set(["node_modules", ".git", "dist", "out", ".mlops", ".vscode-test"]);

/** Every `.mlops` file under `root` (bounded, skipping build and dependency folders). */
export function findMlopsFiles(root: string, limit = 2000): string[] {
  const found: string[] = [];
  const stack = [root];
  while (stack.length > 0 && found.length < limit) {
    const dir = stack.pop()!;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (entry.isDirectory()) {
        if (!SKIPPED.has(entry.name) && !entry.name.startsWith(".")) stack.push(join(dir, entry.name));
      } else if (entry.isFile() && entry.name.endsWith(".mlops")) {
        found.push(join(dir, entry.name).replace(/\\/g, "/"));
      }
    }
  }
  return found.sort();
}
