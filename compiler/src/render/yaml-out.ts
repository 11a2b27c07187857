import { Document, isScalar, visit } from "yaml";

const NEEDS_ESCAPE = /[^\x20-\x7e\n]/;

function escapeNonAscii(text: string): string {
  let out = "";
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code < 0x7f) out += char;
    else if (code <= 0xffff) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += `\\U${code.toString(16).padStart(8, "0")}`;
  }
  return out;
}

/**
 * YAML text for `value`, written by the `yaml` package as YAML 1.1 (so `yes`, `no`,
 * `on`, `12:30` stay strings for Kubernetes and PyYAML). Strings holding anything
 * but printable ASCII and newlines are written double-quoted with ASCII escapes, so
 * no YAML 1.1 reader can see a unicode line break (U+0085, U+2028, U+2029) inside them.
 */
export function toYaml(value: unknown, headerComment?: string): string {
  const doc = new Document(value, { version: "1.1" });
  visit(doc, {
    Scalar(_, node) {
      if (typeof node.value === "string" && NEEDS_ESCAPE.test(node.value)) node.type = "QUOTE_DOUBLE";
    },
  });
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && typeof pair.key.value === "string" && NEEDS_ESCAPE.test(pair.key.value)) {
        pair.key.type = "QUOTE_DOUBLE";
      }
    },
  });
  // Every character above 0x7e is now inside a double-quoted scalar, where \u and \U escapes are valid.
  const body = escapeNonAscii(doc.toString({ lineWidth: 0 }));
  return headerComment === undefined ? body : `${headerComment}\n${body}`;
}
