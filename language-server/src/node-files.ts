import { readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import { NodeHost } from "@mlops/compiler/node";
import type { ServerFiles } from "./files.js";

/**
 * Where the standard library is: `<folder of the running server>/stdlib/std`
 * first (the VS Code extension ships it there), else the `@mlops/stdlib`
 * package; undefined leaves the choice to the compiler's `NodeHost`.
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

/** The disk, read as `mlops check` reads it (the CLI's `NodeHost`). */
export class NodeFiles implements ServerFiles {
  readonly host: NodeHost;

  constructor(readonly stdlibDir: string | undefined) {
    this.host = new NodeHost(stdlibDir ? { stdlibDir } : {});
  }

  /** Through the host: regular files only, bounded, never blocking on a FIFO named like a source. */
  readText(path: string): string | undefined {
    return this.host.readFile(path);
  }

  listMlopsFiles(root: string): string[] {
    return findMlopsFiles(root);
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
