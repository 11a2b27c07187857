/**
 * What a run may touch on disk. It reads and writes inside the project; outside it only in
 * directories the operator grants when starting the run (`--allow-read DIR`, `--allow-write DIR`,
 * or MLOPS_ALLOW_READ / MLOPS_ALLOW_WRITE), never through the program: a repository cannot grant
 * itself access to the machine it runs on. Symlinks are resolved before the check, and inputs
 * must be regular files (a device or a FIFO would never end).
 */
import { lstat, realpath, stat } from "node:fs/promises";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";

export interface PathGrants {
  /** Directories outside the project inputs may come from. */
  read: readonly string[];
  /** Directories outside the project outputs may go to. */
  write: readonly string[];
}

export const NO_GRANTS: PathGrants = { read: [], write: [] };

export type PathErrorCode = "no-such-file" | "not-a-file" | "outside-project";

/** A path the run may not use; the message names it and says how to allow it when that is possible. */
export class PathError extends Error {
  override readonly name = "PathError";
  constructor(
    readonly code: PathErrorCode,
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

/**
 * The real path of the regular file `path` (relative to the project root) that `reader`
 * (`source transactions`) may read: inside the project or under a granted read directory.
 */
export async function resolveInput(projectRoot: string, path: string, grants: PathGrants, reader: string): Promise<string> {
  const absolute = resolve(projectRoot, path);
  let real: string;
  try {
    real = await realpath(absolute);
  } catch {
    throw new PathError("no-such-file", `${path}: no such file (${reader} reads it)`, path);
  }
  const allowed = await allowedRoots(projectRoot, grants.read);
  if (!allowed.some((root) => within(root, real))) {
    const via = real === absolute ? "" : ` (through a link to ${real})`;
    throw new PathError(
      "outside-project",
      `${path}${via} is outside the project (${projectRoot}); ${reader} may read it only when the run allows it: --allow-read DIR or MLOPS_ALLOW_READ`,
      path,
    );
  }
  const info = await stat(real);
  if (!info.isFile())
    throw new PathError("not-a-file", `${path} is not a regular file (${kindOf(info)}); ${reader} reads regular files only`, path);
  return real;
}

/**
 * The absolute path `writer` (`deployment scores`) may write `path` to: a relative path inside the
 * project, or a path under a granted write directory; no symlink on the way may lead out, and an
 * existing file there must be a regular file.
 */
export async function resolveOutput(projectRoot: string, path: string, grants: PathGrants, writer: string): Promise<string> {
  const absolute = resolve(projectRoot, path);
  const granted = await allowedRoots(projectRoot, grants.write, false);
  const lexicallyInside = !isAbsolute(path) && within(resolve(projectRoot), absolute);
  const grantedLexically = granted.slice(1).some((root) => within(root, absolute));
  if (!lexicallyInside && !grantedLexically) {
    const what = isAbsolute(path) ? "an absolute path" : "outside the project";
    throw new PathError(
      "outside-project",
      `${writer} writes ${JSON.stringify(path)}: ${what}; outputs go inside the project (${projectRoot}, as a relative path) or under a directory the run allows with --allow-write DIR or MLOPS_ALLOW_WRITE`,
      path,
    );
  }
  const real = await realpathOfNearest(absolute);
  const allowed = await allowedRoots(projectRoot, grants.write);
  if (!allowed.some((root) => within(root, real))) {
    throw new PathError(
      "outside-project",
      `${writer} writes ${JSON.stringify(path)}, which leads outside the project through a link (to ${real}); outputs go inside the project or under a directory the run allows with --allow-write DIR or MLOPS_ALLOW_WRITE`,
      path,
    );
  }
  const existing = await lstat(absolute).catch(() => undefined);
  if (existing && !existing.isFile() && !existing.isSymbolicLink()) {
    throw new PathError("not-a-file", `${writer} writes ${JSON.stringify(path)}: it is ${kindOf(existing)}, not a file`, path);
  }
  return absolute;
}

/** The project root and the granted directories, resolved (with symlinks when `real`). */
async function allowedRoots(projectRoot: string, granted: readonly string[], real = true): Promise<string[]> {
  const roots = [projectRoot, ...granted].map((dir) => resolve(projectRoot, dir));
  if (!real) return roots;
  return Promise.all(roots.map((dir) => realpath(dir).catch(() => dir)));
}

/** The real path of `path`, or of its nearest existing ancestor joined with the rest. */
async function realpathOfNearest(path: string): Promise<string> {
  let rest = "";
  let current = path;
  for (;;) {
    try {
      const real = await realpath(current);
      return rest === "" ? real : resolve(real, rest);
    } catch {
      const parent = dirname(current);
      if (parent === current) return path;
      rest = rest === "" ? relative(parent, current) : `${relative(parent, current)}${sep}${rest}`;
      current = parent;
    }
  }
}

function within(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

function kindOf(info: {
  isDirectory(): boolean;
  isFIFO(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSocket(): boolean;
}): string {
  if (info.isDirectory()) return "a directory";
  if (info.isFIFO()) return "a FIFO";
  if (info.isCharacterDevice() || info.isBlockDevice()) return "a device";
  if (info.isSocket()) return "a socket";
  return "not a regular file";
}
