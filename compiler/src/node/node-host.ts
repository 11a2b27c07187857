/** The compiler host over the real file system, with the repo's (or the installed) standard library. */
import { closeSync, constants, existsSync, fstatSync, openSync, readSync, readdirSync, realpathSync, statSync, type Stats } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import type { CompilerHost, FileInfo } from "../host/host.js";
import { compilerPackageDir } from "./package-dir.js";

/** The folder holding `NAME.mlops` stdlib modules: `stdlib/std` of the repo, else the installed @mlops/stdlib. */
export function findStdlibDir(): string | undefined {
  const candidates: string[] = [];
  try {
    candidates.push(resolve(compilerPackageDir(), "../stdlib/std"));
    const require = createRequire(import.meta.url);
    candidates.push(join(dirname(require.resolve("@mlops/stdlib/package.json")), "std"));
  } catch {
    // not installed as a package (the repo layout is then the only place), or bundled into an
    // editor extension, which passes its own `stdlibDir`
  }
  return candidates.find((c) => existsSync(c) && statSync(c).isDirectory());
}

/** Text files the host reads on its own (`readFile`) are bounded like the core's sources. */
const READ_FILE_LIMIT = 64 * 1024 * 1024;

export class NodeHost implements CompilerHost {
  private readonly stdlibDir: string | undefined;

  constructor(options: { stdlibDir?: string } = {}) {
    this.stdlibDir = options.stdlibDir ?? findStdlibDir();
  }

  readFile(path: string): string | undefined {
    const bytes = this.readBinaryFile(path, READ_FILE_LIMIT);
    return bytes ? new TextDecoder().decode(bytes) : undefined;
  }

  /**
   * Opens without blocking (O_NONBLOCK: a FIFO with no writer does not hang the open), checks
   * on the open descriptor that it is a regular file (a file swapped after `stat` is caught),
   * and reads at most `maxBytes` + 1 bytes.
   */
  readBinaryFile(path: string, maxBytes = Number.MAX_SAFE_INTEGER): Uint8Array | undefined {
    let fd: number;
    try {
      fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0));
    } catch {
      return undefined;
    }
    try {
      const info = fstatSync(fd);
      if (!info.isFile() || info.size > maxBytes) return undefined;
      const limit = Math.min(maxBytes, Number.MAX_SAFE_INTEGER - 1) + 1;
      let buffer = Buffer.allocUnsafe(Math.min(info.size + 1, limit));
      let length = 0;
      for (;;) {
        if (length === buffer.length) {
          if (buffer.length >= limit) return undefined;
          const bigger = Buffer.allocUnsafe(Math.min(buffer.length * 2, limit));
          buffer.copy(bigger, 0, 0, length);
          buffer = bigger;
        }
        const n = readSync(fd, buffer, length, buffer.length - length, null);
        if (n === 0) break;
        length += n;
        if (length > maxBytes) return undefined;
      }
      return new Uint8Array(buffer.buffer, buffer.byteOffset, length);
    } catch {
      return undefined;
    } finally {
      closeSync(fd);
    }
  }

  fileExists(path: string): boolean {
    try {
      return statSync(path).isFile();
    } catch {
      return false;
    }
  }

  stat(path: string): FileInfo | undefined {
    let info: Stats;
    try {
      info = statSync(path);
    } catch {
      return undefined;
    }
    let realPath = path;
    try {
      realPath = realpathSync(path).split("\\").join("/");
    } catch {
      // a pipe behind /dev/stdin has no path: it is refused by its kind anyway
    }
    if (info.isFile()) return { kind: "file", size: info.size, realPath };
    if (info.isDirectory()) return { kind: "directory", size: 0, realPath };
    return { kind: "other", size: 0, realPath, description: describeSpecial(info) };
  }

  stdlibModulePath(module: string): string | undefined {
    if (!this.stdlibDir || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(module)) return undefined;
    const path = join(this.stdlibDir, `${module}.mlops`).split("\\").join("/");
    return this.fileExists(path) ? path : undefined;
  }

  stdlibModules(): string[] {
    if (!this.stdlibDir) return [];
    try {
      return readdirSync(this.stdlibDir)
        .filter((n) => n.endsWith(".mlops"))
        .map((n) => n.slice(0, -".mlops".length))
        .sort();
    } catch {
      return [];
    }
  }
}

function describeSpecial(info: Stats): string {
  if (info.isFIFO()) return "a FIFO";
  if (info.isSocket()) return "a socket";
  if (info.isCharacterDevice()) return "a character device";
  if (info.isBlockDevice()) return "a block device";
  return "not a regular file";
}
