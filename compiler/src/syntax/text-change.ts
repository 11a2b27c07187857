/**
 * One edit of a file's text, as the region that differs between the old and the
 * new text (the longest common prefix and suffix stay put), and moving the
 * positions of the unchanged text after it.
 */
import type { Span } from "./ast.js";

/** Keys of syntax nodes that say where a node is, not what it means. */
export const POSITION_KEYS: ReadonlySet<string> = new Set(["span", "keywordSpan", "bodySpan", "operatorSpan"]);

/** `[start, oldEnd)` of the old text became `[start, newEnd)` of the new text; the rest is identical. */
export interface TextChange {
  start: number;
  oldEnd: number;
  newEnd: number;
}

export function diffText(oldText: string, newText: string): TextChange {
  const shorter = Math.min(oldText.length, newText.length);
  let start = 0;
  while (start < shorter && oldText.charCodeAt(start) === newText.charCodeAt(start)) start++;
  let tail = 0;
  while (tail < shorter - start && oldText.charCodeAt(oldText.length - 1 - tail) === newText.charCodeAt(newText.length - 1 - tail)) tail++;
  return { start, oldEnd: oldText.length - tail, newEnd: newText.length - tail };
}

/** How far the text after the change moved. */
export function changeDelta(change: TextChange): number {
  return change.newEnd - change.oldEnd;
}

/** False when every position after the change keeps its offset and its line and character (same length, no line break in or out). */
export function movesPositions(change: TextChange, oldText: string, newText: string): boolean {
  if (changeDelta(change) !== 0) return true;
  return /[\r\n]/.test(oldText.slice(change.start, change.oldEnd)) || /[\r\n]/.test(newText.slice(change.start, change.newEnd));
}

/** An old offset in the new text: offsets after the change move with it (offsets inside it are left alone). */
export function mapOffset(offset: number, change: TextChange): number {
  return offset >= change.oldEnd ? offset + changeDelta(change) : offset;
}

/**
 * Moves a span (in old offsets) to the new text, in place, once: `moved` records
 * the spans already moved, since check results may share span objects.
 */
export function moveSpan(span: Span, change: TextChange, moved: Set<Span>): void {
  if (moved.has(span)) return;
  moved.add(span);
  span.start = mapOffset(span.start, change);
  span.end = mapOffset(span.end, change);
}

/**
 * Moves every span of a syntax subtree to the new text, in place, but those in
 * `moved` (the spans of the subtree that check results hold, moved with them).
 * Syntax nodes never share a span object, so each is moved exactly once.
 */
export function moveNode(node: object, change: TextChange, moved: ReadonlySet<Span>): void {
  const delta = changeDelta(change);
  const stack: object[] = [node];
  while (stack.length > 0) {
    const current = stack.pop()! as Record<string, unknown>;
    for (const key of Object.keys(current)) {
      const value = current[key];
      if (typeof value !== "object" || value === null) continue;
      if (!POSITION_KEYS.has(key)) stack.push(value);
      else if (!moved.has(value as Span)) {
        (value as Span).start += delta;
        (value as Span).end += delta;
      }
    }
  }
}
