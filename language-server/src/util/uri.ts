/**
 * The compiler names files by POSIX path; the editor by URI. `file:` URIs map
 * to their path; any other scheme (an `untitled:` buffer) to a stable
 * pseudo path under `/.mlops-virtual/` so it can still be compiled.
 *
 * No Node API: the same conversions run in the language server's Web Worker
 * (the playground). They give what `node:url`'s `fileURLToPath` and
 * `pathToFileURL` give for POSIX paths (a test compares them); a Windows
 * drive path `c:/x` is the URI `file:///c:/x`.
 */
const VIRTUAL_ROOT = "/.mlops-virtual/";

/** Characters `encodeURIComponent` escapes that a file URL keeps as they are (and `~`, which it escapes). */
const KEPT = /%(3B|2C|3D|40|26|24|2B|3A)|~/g;

export function uriToPath(uri: string): string {
  if (uri.startsWith("file:")) return fileUriToPath(uri);
  return VIRTUAL_ROOT + encodeURIComponent(uri);
}

export function pathToUri(path: string): string {
  if (path.startsWith(VIRTUAL_ROOT)) return decodeURIComponent(path.slice(VIRTUAL_ROOT.length));
  const absolute = /^[A-Za-z]:\//.test(path) ? `/${path}` : path;
  const segments = absolute
    .split("/")
    .map((segment) => encodeURIComponent(segment).replace(KEPT, (m) => (m === "~" ? "%7E" : decodeURIComponent(m))));
  return `file://${segments.join("/")}`;
}

function fileUriToPath(uri: string): string {
  const url = new URL(uri);
  if (url.hostname !== "" && url.hostname !== "localhost") throw new TypeError(`file URI with a host is not a local path: ${uri}`);
  if (/%2f/i.test(url.pathname)) throw new TypeError(`file URI path must not include an encoded /: ${uri}`);
  const path = decodeURIComponent(url.pathname);
  // a Windows drive (`file:///c:/x`) names the path `c:/x`
  return (/^\/[A-Za-z]:\//.test(path) ? path.slice(1) : path).replace(/\\/g, "/");
}
