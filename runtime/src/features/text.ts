/**
 * Text semantics shared by the evaluator and the model graph (onnxruntime's `StringNormalizer`
 * maps case one code point at a time, `Unique` orders strings by their UTF-8 bytes):
 * - `lower`/`upper` use the simple (one code point to one code point) Unicode case mapping:
 *   `straße` upper-cases to `STRAßE`, a final sigma stays `σ`, `İ` lower-cases to `i`;
 * - strings compare by code point (UTF-8 byte order), not by UTF-16 unit.
 */

/** Simple mappings where JavaScript's full mapping gives several code points. */
const SIMPLE_LOWER: Record<string, string> = { "\u0130": "i" };
const SIMPLE_UPPER: Record<string, string> = simpleUpperExceptions();

export function lowerText(text: string): string {
  return mapCodePoints(text, (c) => c.toLowerCase(), SIMPLE_LOWER);
}

export function upperText(text: string): string {
  return mapCodePoints(text, (c) => c.toUpperCase(), SIMPLE_UPPER);
}

function mapCodePoints(text: string, full: (c: string) => string, simple: Record<string, string>): string {
  let out = "";
  for (const c of text) {
    const mapped = full(c);
    out += mapped.length === c.length || [...mapped].length === 1 ? mapped : (simple[c] ?? c);
  }
  return out;
}

/** Greek letters with ypogegrammeni: the simple uppercase is the prosgegrammeni form (ᾳ → ᾼ). */
function simpleUpperExceptions(): Record<string, string> {
  const map: Record<string, string> = {};
  for (const base of [0x1f80, 0x1f90, 0x1fa0]) {
    for (let k = 0; k < 8; k++) {
      map[String.fromCodePoint(base + k)] = String.fromCodePoint(base + 8 + k);
      map[String.fromCodePoint(base + 8 + k)] = String.fromCodePoint(base + 8 + k);
    }
  }
  for (const [lower, title] of [
    [0x1fb3, 0x1fbc],
    [0x1fc3, 0x1fcc],
    [0x1ff3, 0x1ffc],
  ] as const) {
    map[String.fromCodePoint(lower)] = String.fromCodePoint(title);
    map[String.fromCodePoint(title)] = String.fromCodePoint(title);
  }
  return map;
}

/** −1, 0 or 1 by code point order. */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // a surrogate (an astral code point) sorts above every BMP unit; otherwise units order as code points
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}
