import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { extensionRoot } from "./textmate.js";

export interface CorpusFolder {
  label: string;
  path: string;
  /** Valid sources must be fully scoped and free of `invalid.*` tokens. */
  valid: boolean;
}

export const repoRoot = join(extensionRoot, "..");

export const corpusFolders: CorpusFolder[] = [
  { label: "conformance (valid)", path: join(repoRoot, "test", "corpus", "conformance", "valid"), valid: true },
  { label: "conformance (invalid)", path: join(repoRoot, "test", "corpus", "conformance", "invalid"), valid: false },
  { label: "examples", path: join(repoRoot, "examples"), valid: true },
  { label: "stdlib", path: join(repoRoot, "stdlib", "std"), valid: true },
];

/** Every `.mlops` file under a folder, recursively, in a stable order. */
export function mlopsFilesUnder(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .sort()
    .flatMap((name) => {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) return name === "node_modules" ? [] : mlopsFilesUnder(path);
      return name.endsWith(".mlops") ? [path] : [];
    });
}
