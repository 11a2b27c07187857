import type { SourceFile } from "../syntax/ast.js";
import { POSITION_KEYS } from "../syntax/text-change.js";

/** True when two files have the same declarations (spans aside) and the same comments in the same order. */
export function sameTree(a: SourceFile, b: SourceFile): boolean {
  return (
    sameValue(a.declarations, b.declarations) &&
    a.comments.length === b.comments.length &&
    a.comments.every((comment, i) => comment.text.trimEnd() === b.comments[i]!.text.trimEnd())
  );
}

/** Structural equality ignoring positions; iterative so deep trees cannot overflow the stack. */
export function sameValue(a: unknown, b: unknown): boolean {
  const stack: Array<[unknown, unknown]> = [[a, b]];
  while (stack.length > 0) {
    const [x, y] = stack.pop()!;
    if (x === y) continue;
    if (typeof x !== "object" || typeof y !== "object" || x === null || y === null) {
      if (typeof x === "number" && typeof y === "number" && Number.isNaN(x) && Number.isNaN(y)) continue;
      return false;
    }
    if (Array.isArray(x) !== Array.isArray(y)) return false;
    const xKeys = Object.keys(x).filter((k) => !POSITION_KEYS.has(k) && (x as Record<string, unknown>)[k] !== undefined);
    const yKeys = Object.keys(y).filter((k) => !POSITION_KEYS.has(k) && (y as Record<string, unknown>)[k] !== undefined);
    if (xKeys.length !== yKeys.length) return false;
    for (const key of xKeys) {
      if (!(key in y)) return false;
      stack.push([(x as Record<string, unknown>)[key], (y as Record<string, unknown>)[key]]);
    }
  }
  return true;
}
