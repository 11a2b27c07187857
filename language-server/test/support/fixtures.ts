import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Position } from "vscode-languageserver-protocol";

/** The project's copy of the team conformance corpus (tests read only files inside the repository). */
export const CONFORMANCE = fileURLToPath(new URL("../../../test/corpus/conformance", import.meta.url));

/** A fresh copy of the conformance corpus (the server may be pointed at it as a workspace). */
export function copyConformance(): string {
  const dir = mkdtempSync(join(tmpdir(), "mlops-ls-ws-"));
  cpSync(CONFORMANCE, dir, { recursive: true });
  return dir;
}

/** The position of the `occurrence`-th match of `needle` in `text`, plus `delta` characters. */
export function positionOf(text: string, needle: string, delta = 0, occurrence = 1): Position {
  let index = -1;
  for (let i = 0; i < occurrence; i++) {
    index = text.indexOf(needle, index + 1);
    if (index < 0) throw new Error(`'${needle}' not found (occurrence ${i + 1})`);
  }
  const offset = index + delta;
  const before = text.slice(0, offset);
  const line = before.split("\n").length - 1;
  return { line, character: offset - (before.lastIndexOf("\n") + 1) };
}

export function read(path: string): string {
  return readFileSync(path, "utf8");
}
