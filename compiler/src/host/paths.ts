/** POSIX path helpers for the compiler core (which must not import node:path). */

export function normalizePath(path: string): string {
  const absolute = path.startsWith("/");
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!absolute) out.push("..");
    } else out.push(part);
  }
  const joined = out.join("/");
  return absolute ? `/${joined}` : joined || ".";
}

export function dirname(path: string): string {
  const i = path.lastIndexOf("/");
  if (i < 0) return ".";
  if (i === 0) return "/";
  return path.slice(0, i);
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

export function joinPath(...parts: string[]): string {
  let result = "";
  for (const part of parts) {
    if (part.startsWith("/")) result = part;
    else result = result === "" ? part : `${result}/${part}`;
  }
  return normalizePath(result);
}

/** Resolves `relative` against the folder of `fromFile`. */
/** `s3://bucket/key`: data that lives in an object store, passed through as written (never resolved as a file path). */
export function isObjectUrl(path: string): boolean {
  return /^s3:\/\/[^/]+\/./.test(path);
}

export function resolveRelative(fromFile: string, relative: string): string {
  return relative.startsWith("/") ? normalizePath(relative) : joinPath(dirname(fromFile), relative);
}

/** The path of `to` relative to the folder `fromDir`, POSIX separators. */
export function relativePath(fromDir: string, to: string): string {
  const from = normalizePath(fromDir).split("/").filter(Boolean);
  const target = normalizePath(to).split("/").filter(Boolean);
  let common = 0;
  while (common < from.length && common < target.length && from[common] === target[common]) common++;
  const up = from.slice(common).map(() => "..");
  const rest = target.slice(common);
  return [...up, ...rest].join("/") || ".";
}
