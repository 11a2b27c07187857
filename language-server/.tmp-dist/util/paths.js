import { posix } from "node:path";
/** Resolves an import's relative path against the importing file (POSIX, as the compiler names files). */
export function resolveRelative(fromFile, relative) {
    return relative.startsWith("/") ? posix.normalize(relative) : posix.normalize(posix.join(posix.dirname(fromFile), relative));
}
