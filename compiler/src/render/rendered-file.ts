/** One file a renderer produces; `path` is POSIX and relative to the output directory. */
export interface RenderedFile {
  path: string;
  content: string;
}
