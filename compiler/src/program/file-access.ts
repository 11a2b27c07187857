/**
 * Which files the compiler reads, and how: only regular files below the project root (or
 * below a folder the user allowed, or the standard library), not larger than a limit, and
 * `.mlops` text only when it is UTF-8. Anything else is a `FileProblem` that names the path
 * and never shows its content: `import "/etc/shadow"` or `pretrained { path = "/dev/zero" }`
 * can neither leak a file into a code frame nor hang or exhaust the compiler.
 */
import type { CompilerHost, FileInfo } from "../host/host.js";
import { normalizePath } from "../host/paths.js";

/** A `.mlops` file larger than this is refused (real programs are a few KB). */
export const MAX_SOURCE_BYTES = 4 * 1024 * 1024;
/** An ONNX model read for its signature at compile time. */
export const MAX_MODEL_BYTES = 1024 * 1024 * 1024;

export interface FileProblem {
  code: "file-access" | "invalid-encoding";
  message: string;
  hints: string[];
}

export type ReadOutcome<T> = { content: T } | { problem: FileProblem } | { missing: true };

export interface FileAccessOptions {
  /** Folders (absolute) whose files may be read: the project root, and any the user allowed. */
  roots: readonly string[];
  /** Paths always readable (the standard library's files). */
  trusted?: (path: string) => boolean;
}

export class FileAccess {
  private readonly roots: string[];

  constructor(
    private readonly host: CompilerHost,
    private readonly options: FileAccessOptions,
  ) {
    // Roots are compared by their real paths, like the files (a project reached through a link).
    this.roots = options.roots.map((root) => withSlash(host.stat(root)?.realPath ?? normalizePath(root)));
  }

  /** The text of a `.mlops` file. */
  readSource(path: string): ReadOutcome<string> {
    const checked = this.check(path, MAX_SOURCE_BYTES, ".mlops file");
    if ("missing" in checked || "problem" in checked) return checked;
    const bytes = this.host.readBinaryFile(path, MAX_SOURCE_BYTES);
    if (!bytes) return { problem: unreadable(path) };
    return decodeSource(path, bytes);
  }

  /** The bytes of a model file (a `pretrained` trainer's ONNX). */
  readModel(path: string): ReadOutcome<Uint8Array> {
    const checked = this.check(path, MAX_MODEL_BYTES, "model");
    if ("missing" in checked || "problem" in checked) return checked;
    const bytes = this.host.readBinaryFile(path, MAX_MODEL_BYTES);
    return bytes ? { content: bytes } : { problem: unreadable(path) };
  }

  /** Whether an import of `path` names something (any kind: what is refused is said when it is read). */
  exists(path: string): boolean {
    return this.host.stat(path) !== undefined;
  }

  private check(path: string, maxBytes: number, what: string): ReadOutcome<FileInfo> {
    const info = this.host.stat(path);
    if (!info) return { missing: true };
    if (info.kind === "directory") return problem(`"${path}" is a folder, not a ${what}`);
    if (info.kind === "other")
      return problem(`"${path}" is ${info.description ?? "not a regular file"}: the compiler reads only regular files`);
    if (!this.options.trusted?.(normalizePath(path)) && !this.roots.some((root) => `${info.realPath}/`.startsWith(root))) {
      const link = info.realPath !== normalizePath(path) ? ` (it leads to ${info.realPath})` : "";
      return problem(
        `"${path}" is outside the project${link}: the compiler reads only files below ${this.describeRoots()}`,
        "to read files of another folder, allow it: mlops check --allow-read DIR (or open that folder in the editor)",
      );
    }
    if (info.size > maxBytes) return problem(`"${path}" is ${megabytes(info.size)}; a ${what} may be at most ${megabytes(maxBytes)}`);
    return { content: info };
  }

  private describeRoots(): string {
    const shown = this.roots.map((root) => (root === "/" ? root : root.slice(0, -1)));
    return shown.length === 1 ? shown[0]! : `${shown.slice(0, -1).join(", ")} or ${shown[shown.length - 1]}`;
  }
}

function withSlash(path: string): string {
  return path.endsWith("/") ? path : `${path}/`;
}

function problem(message: string, hint?: string): { problem: FileProblem } {
  return { problem: { code: "file-access", message, hints: hint ? [hint] : [] } };
}

function unreadable(path: string): FileProblem {
  return { code: "file-access", message: `"${path}" cannot be read (it changed while being read, or is not a regular file)`, hints: [] };
}

function megabytes(bytes: number): string {
  return bytes >= 1024 * 1024 * 1024 ? `${+(bytes / 1024 ** 3).toFixed(1)} GiB` : `${+(bytes / 1024 ** 2).toFixed(1)} MiB`;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * `.mlops` files are UTF-8 (a UTF-8 byte-order mark is allowed and dropped). UTF-16 and
 * UTF-32 text, NUL bytes (binary files) and invalid sequences are one `invalid-encoding`
 * problem that says where, instead of thousands of syntax errors or silent U+FFFD.
 */
export function decodeSource(path: string, bytes: Uint8Array): ReadOutcome<string> {
  const encoding = byteOrderMark(bytes);
  if (encoding) return encodingProblem(`"${path}" is ${encoding} text; .mlops files are UTF-8`, "save the file as UTF-8");
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const body = bytes.subarray(start);
  const nul = body.indexOf(0);
  if (nul >= 0) {
    return encodingProblem(
      `"${path}" has a NUL byte at ${where(body, nul)}: it is binary, or UTF-16/UTF-32 without a byte-order mark; .mlops files are UTF-8 text`,
      "save the file as UTF-8",
    );
  }
  try {
    return { content: utf8.decode(body) };
  } catch {
    const at = firstInvalidUtf8(body);
    const byte = at < body.length ? `byte 0x${body[at]!.toString(16).padStart(2, "0")} at ${where(body, at)}` : "its last character";
    return encodingProblem(
      `"${path}" is not valid UTF-8: ${byte} does not start or continue a UTF-8 character`,
      "save the file as UTF-8 (it may be Latin-1 or Windows-1252)",
    );
  }
}

function encodingProblem(message: string, hint: string): { problem: FileProblem } {
  return { problem: { code: "invalid-encoding", message, hints: [hint] } };
}

function byteOrderMark(bytes: Uint8Array): string | undefined {
  const [a, b, c, d] = bytes;
  if (a === 0xff && b === 0xfe && c === 0 && d === 0) return "UTF-32";
  if (a === 0 && b === 0 && c === 0xfe && d === 0xff) return "UTF-32";
  if ((a === 0xff && b === 0xfe) || (a === 0xfe && b === 0xff)) return "UTF-16";
  return undefined;
}

/** `line L, byte B` (1-based) of a byte offset. */
function where(bytes: Uint8Array, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return `line ${line}, byte ${offset - lineStart + 1}`;
}

/** The offset of the first byte that breaks UTF-8 (RFC 3629: no overlongs, surrogates or values past U+10FFFF). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let need: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let code = b & (0xff >> (need + 2));
    for (let k = 1; k <= need; k++) {
      const next = bytes[i + k];
      if (next === undefined || (next & 0xc0) !== 0x80) return i;
      code = (code << 6) | (next & 0x3f);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return i;
    i += need + 1;
  }
  return bytes.length;
}
