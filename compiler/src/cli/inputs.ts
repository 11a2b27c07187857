import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { UsageError } from "./command.js";

/** Folders never searched for `.mlops` files. */
const SKIPPED_FOLDERS = new Set(["node_modules", ".git", ".mlops", "dist"]);

/** Every `.mlops` file below `dir`, sorted, skipping dependency and output folders. */
export function mlopsFilesIn(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_FOLDERS.has(entry.name) && !entry.name.startsWith(".")) out.push(...mlopsFilesIn(path));
    } else if (entry.name.endsWith(".mlops")) out.push(path);
  }
  return out;
}

/**
 * One compilation unit of the command line: a FILE is compiled on its own
 * (with what it imports); a DIR is one program over every `.mlops` file in it.
 */
export interface CompilationInput {
  /** Absolute POSIX paths of the root files. */
  rootFiles: string[];
  /** Absolute POSIX path of the project root (the folder plan paths are relative to). */
  projectRoot: string;
  /** How the user named it. */
  label: string;
}

export function toPosix(path: string): string {
  return sep === "/" ? path : path.split(sep).join("/");
}

export function compilationInputs(args: string[], cwd: string): CompilationInput[] {
  return args.map((arg) => compilationInput(arg, cwd));
}

export function compilationInput(arg: string, cwd: string): CompilationInput {
  const absolute = resolve(cwd, arg);
  if (!existsSync(absolute)) throw new UsageError(`no such file or directory: ${arg}`);
  if (statSync(absolute).isDirectory()) {
    const files = mlopsFilesIn(absolute);
    if (files.length === 0) throw new UsageError(`no .mlops files in ${arg}`);
    return { rootFiles: files.map(toPosix), projectRoot: toPosix(absolute), label: arg };
  }
  return { rootFiles: [toPosix(absolute)], projectRoot: toPosix(resolve(absolute, "..")), label: arg };
}

/** How a file is shown to the user: relative to the cwd when below it. */
export function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel.startsWith("..") || rel === "" ? file : toPosix(rel);
}
