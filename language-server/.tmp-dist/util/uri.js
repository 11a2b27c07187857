import { fileURLToPath, pathToFileURL } from "node:url";
/**
 * The compiler names files by POSIX path; the editor by URI. `file:` URIs map
 * to their path; any other scheme (an `untitled:` buffer) to a stable
 * pseudo path under `/.mlops-virtual/` so it can still be compiled.
 */
const VIRTUAL_ROOT = "/.mlops-virtual/";
export function uriToPath(uri) {
    if (uri.startsWith("file:")) {
        const path = fileURLToPath(uri);
        return path.replace(/\\/g, "/");
    }
    return VIRTUAL_ROOT + encodeURIComponent(uri);
}
export function pathToUri(path) {
    if (path.startsWith(VIRTUAL_ROOT))
        return decodeURIComponent(path.slice(VIRTUAL_ROOT.length));
    return pathToFileURL(path).href;
}
