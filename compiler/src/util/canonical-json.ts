/**
 * Canonical JSON: object keys sorted by UTF-16 code unit order, no insignificant
 * whitespace (or `indent` spaces per level when given), `undefined` members dropped.
 * The same value always gives the same text, which is what hashes are taken over.
 * Written by hand because `JSON.stringify` puts integer-like keys first whatever the order.
 */
export function canonicalJson(value: unknown, indent = 0): string {
  return write(value, indent, "") ?? "null";
}

function write(value: unknown, indent: number, margin: string): string | undefined {
  if (value === undefined || typeof value === "function" || typeof value === "symbol") return undefined;
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  const inner = margin + " ".repeat(indent);
  const open = indent > 0 ? `\n${inner}` : "";
  const separator = indent > 0 ? `,\n${inner}` : ",";
  const close = indent > 0 ? `\n${margin}` : "";
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    const items = value.map((item) => write(item, indent, inner) ?? "null");
    return `[${open}${items.join(separator)}${close}]`;
  }
  const record = value as Record<string, unknown>;
  const members: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const text = write(record[key], indent, inner);
    if (text !== undefined) members.push(`${JSON.stringify(key)}:${indent > 0 ? " " : ""}${text}`);
  }
  if (members.length === 0) return "{}";
  return `{${open}${members.join(separator)}${close}}`;
}
