import { createHash } from "node:crypto";
import { statSync } from "node:fs";
import type { CompilerHost, FileInfo } from "../host/host.js";

/**
 * A compiler host that remembers every question the compiler asked it and what the answer was
 * (a digest of a file's bytes, not the bytes), so that a later process can ask the same
 * questions and tell whether a compilation would see exactly the same inputs: the compiler is a
 * pure function of its host's answers, its own code and its options. The plan cache's check.
 */
export type HostQuestion =
  | { ask: "read"; path: string; text: boolean; maxBytes: number | null; stamp: FileStamp | null; sha256: string | null }
  | { ask: "exists"; path: string; answer: boolean }
  | { ask: "stat"; path: string; answer: FileInfo | null }
  | { ask: "stdlibPath"; module: string; answer: string | null }
  | { ask: "stdlibModules"; answer: string[] };

/** What identifies one version of a file without reading it (git's index keeps the same). */
export interface FileStamp {
  size: string;
  mtimeNs: string;
  ctimeNs: string;
  ino: string;
  dev: string;
}

export class RecordingHost implements CompilerHost {
  private readonly questions = new Map<string, HostQuestion>();

  constructor(private readonly inner: CompilerHost) {}

  /** Every distinct question asked so far, in the order first asked. */
  record(): HostQuestion[] {
    return [...this.questions.values()];
  }

  readFile(path: string): string | undefined {
    const stamp = fileStamp(path);
    const text = this.inner.readFile(path);
    this.remember({ ask: "read", path, text: true, maxBytes: null, stamp, sha256: text === undefined ? null : digest(text) });
    return text;
  }

  readBinaryFile(path: string, maxBytes?: number): Uint8Array | undefined {
    const stamp = fileStamp(path);
    const bytes = this.inner.readBinaryFile(path, maxBytes);
    this.remember({
      ask: "read",
      path,
      text: false,
      maxBytes: maxBytes ?? null,
      stamp,
      sha256: bytes === undefined ? null : digest(bytes),
    });
    return bytes;
  }

  fileExists(path: string): boolean {
    const answer = this.inner.fileExists(path);
    this.remember({ ask: "exists", path, answer });
    return answer;
  }

  stat(path: string): FileInfo | undefined {
    const answer = this.inner.stat(path);
    this.remember({ ask: "stat", path, answer: answer ?? null });
    return answer;
  }

  stdlibModulePath(module: string): string | undefined {
    const answer = this.inner.stdlibModulePath(module);
    this.remember({ ask: "stdlibPath", module, answer: answer ?? null });
    return answer;
  }

  stdlibModules(): string[] {
    const answer = this.inner.stdlibModules();
    this.remember({ ask: "stdlibModules", answer: [...answer] });
    return answer;
  }

  /** The first answer to a question is the one the compilation used. */
  private remember(question: HostQuestion): void {
    const key = questionKey(question);
    if (!this.questions.has(key)) this.questions.set(key, question);
  }
}

/**
 * Whether `host` answers every recorded question as it was answered then. A file read must still
 * have the very stamp it had (size, mtime and ctime in ns, inode, device): a copy of the entry on
 * another machine or checkout never matches, so an entry shipped inside a repository cannot stand
 * in for compiling its sources. A file modified so shortly before it was recorded that a second
 * write in the same clock tick could have kept its stamp (git's "racily clean" case) has its bytes
 * compared as well.
 */
export function answersUnchanged(host: CompilerHost, questions: readonly HostQuestion[], recordedAtNs: bigint): boolean {
  return questions.every((question) => answerUnchanged(host, question, recordedAtNs));
}

/** Files modified less than this before they were recorded are compared by content too. */
const RACY_WINDOW_NS = 100_000_000n;

function answerUnchanged(host: CompilerHost, question: HostQuestion, recordedAtNs: bigint): boolean {
  switch (question.ask) {
    case "read": {
      if (question.stamp && question.sha256 !== null) {
        if (!sameStamp(question.stamp, fileStamp(question.path))) return false;
        if (recordedAtNs - BigInt(question.stamp.mtimeNs) > RACY_WINDOW_NS) return true;
      }
      const now = question.text ? host.readFile(question.path) : host.readBinaryFile(question.path, question.maxBytes ?? undefined);
      return (now === undefined ? null : digest(now)) === question.sha256;
    }
    case "exists":
      return host.fileExists(question.path) === question.answer;
    case "stat":
      return JSON.stringify(host.stat(question.path) ?? null) === JSON.stringify(question.answer);
    case "stdlibPath":
      return (host.stdlibModulePath(question.module) ?? null) === question.answer;
    case "stdlibModules":
      return JSON.stringify(host.stdlibModules()) === JSON.stringify(question.answer);
  }
}

/** Whether the questions include a successful, stamped read of `path`. */
export function readWithStamp(questions: readonly HostQuestion[], path: string): boolean {
  return questions.some((q) => q.ask === "read" && q.path === path && q.stamp !== null && q.sha256 !== null);
}

function questionKey(question: HostQuestion): string {
  switch (question.ask) {
    case "read":
      return `read\0${question.path}\0${question.text}\0${question.maxBytes}`;
    case "exists":
    case "stat":
      return `${question.ask}\0${question.path}`;
    case "stdlibPath":
      return `stdlibPath\0${question.module}`;
    case "stdlibModules":
      return "stdlibModules";
  }
}

/** The stamp of what `path` names (symbolic links followed, as the host's reads do); null when nothing is there. */
export function fileStamp(path: string): FileStamp | null {
  try {
    const info = statSync(path, { bigint: true });
    return {
      size: String(info.size),
      mtimeNs: String(info.mtimeNs),
      ctimeNs: String(info.ctimeNs),
      ino: String(info.ino),
      dev: String(info.dev),
    };
  } catch {
    return null;
  }
}

function sameStamp(a: FileStamp, b: FileStamp | null): boolean {
  return b !== null && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs && a.ino === b.ino && a.dev === b.dev;
}

function digest(content: string | Uint8Array): string {
  return createHash("sha256").update(content).digest("hex");
}
