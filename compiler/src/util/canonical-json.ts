/**
 * Canonical JSON: object keys sorted by UTF-16 code unit order, no insignificant
 * whitespace (or `indent` spaces per level when given), `undefined` members dropped.
 * The same value always gives the same text, which is what hashes are taken over.
 * Written by hand because `JSON.stringify` puts integer-like keys first whatever the order.
 *
 * Linear and iterative: pieces are appended to one string (no string is rebuilt per level)
 * and containers are walked with an explicit stack, so neither time nor stack depends
 * on how deeply the value nests.
 */
export function canonicalJson(value: unknown, indent = 0): string {
  if (!isWritten(value)) return "null";
  let out = "";
  const stack: Frame[] = [];
  const margins = [""];
  const newline = (depth: number): string => `\n${(margins[depth] ??= " ".repeat(depth * indent))}`;
  let next: unknown = value;
  let depth = 0;
  for (;;) {
    // Write `next` (a scalar now, or the opening of a container continued below).
    if (next === null || typeof next !== "object") out += JSON.stringify(next);
    else if (Array.isArray(next)) {
      if (next.length === 0) out += "[]";
      else {
        out += "[";
        stack.push({ items: next, keys: undefined, record: undefined, next: 0, depth });
      }
    } else {
      const record = next as Record<string, unknown>;
      const keys: string[] = [];
      for (const key in record) if (Object.hasOwn(record, key) && isWritten(record[key])) keys.push(key);
      if (keys.length === 0) out += "{}";
      else {
        keys.sort();
        out += "{";
        stack.push({ items: undefined, keys, record, next: 0, depth });
      }
    }
    // Find the next member to write, closing finished containers.
    for (;;) {
      const frame = stack[stack.length - 1];
      if (!frame) return out;
      const count = frame.items ? frame.items.length : frame.keys!.length;
      if (frame.next === count) {
        stack.pop();
        if (indent > 0) out += newline(frame.depth);
        out += frame.items ? "]" : "}";
        continue;
      }
      if (frame.next > 0) out += ",";
      if (indent > 0) out += newline(frame.depth + 1);
      const k = frame.next++;
      depth = frame.depth + 1;
      if (frame.items) {
        const item = frame.items[k];
        next = isWritten(item) ? item : null;
      } else {
        const key = frame.keys![k]!;
        out += indent > 0 ? `${JSON.stringify(key)}: ` : `${JSON.stringify(key)}:`;
        next = frame.record![key];
      }
      break;
    }
  }
}

interface Frame {
  /** Set for an array. */
  items: unknown[] | undefined;
  /** Set for an object: its written keys, sorted, and the object. */
  keys: string[] | undefined;
  record: Record<string, unknown> | undefined;
  next: number;
  depth: number;
}

function isWritten(value: unknown): boolean {
  return value !== undefined && typeof value !== "function" && typeof value !== "symbol";
}
