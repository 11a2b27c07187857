import type { Comment } from "./ast.js";
import type { LexedStringPart, LexSink, Token } from "./token.js";

const TWO_CHAR_PUNCT = new Set(["==", "!=", "<=", ">=", "=>"]);
const ONE_CHAR_PUNCT = new Set(["{", "}", "(", ")", "[", "]", ",", ":", "=", "<", ">", "+", "-", "*", "/", ".", "?"]);
/** Strings nested inside interpolations deeper than this are not read. */
const MAX_STRING_NESTING = 32;

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isIdentStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isIdentPart = (c: number): boolean => isIdentStart(c) || isDigit(c);
const isLineBreak = (c: number): boolean => c === 10 || c === 13;
const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 12 || c === 11 || c === 0xfeff;

/**
 * Splits `text[start, end)` into tokens. Comments go to `sink.comments`, problems to
 * `sink.error`; a character the language has no use for becomes an `error` token
 * (already reported) so the parser does not report it a second time.
 */
export function lex(text: string, sink: LexSink, start = 0, end = text.length): Token[] {
  return new Lexer(text, sink, end).run(start);
}

class Lexer {
  private readonly tokens: Token[] = [];
  private lineStart = true;
  private pendingDoc: Comment[] = [];
  private newlinesSinceDoc = 0;

  constructor(
    private readonly text: string,
    private readonly sink: LexSink,
    private readonly end: number,
  ) {}

  run(start: number): Token[] {
    const { text, end } = this;
    let i = start;
    while (i < end) {
      const c = text.charCodeAt(i);
      if (isSpace(c)) i++;
      else if (isLineBreak(c)) i = this.newline(i);
      else if (c === 47 && text.charCodeAt(i + 1) === 47 && i + 1 < end) i = this.lineComment(i);
      else if (c === 47 && text.charCodeAt(i + 1) === 42 && i + 1 < end) i = this.blockComment(i);
      else if (isDigit(c)) i = this.number(i);
      else if (isIdentStart(c)) i = this.identifier(i);
      else if (c === 34) i = this.string(i);
      else i = this.punctuation(i);
    }
    this.push("eof", "", end, end);
    return this.tokens;
  }

  /** Every token gets the same object shape (keeps property access monomorphic and fast). */
  private push(kind: Token["kind"], text: string, start: number, end: number, extra?: Partial<Token>): void {
    const token: Token = {
      kind,
      text,
      start,
      end,
      lineStart: this.lineStart,
      doc: undefined,
      raw: extra?.raw,
      unit: extra?.unit,
      value: extra?.value,
      parts: extra?.parts,
      terminated: extra?.terminated,
      synthetic: undefined,
    };
    // A `,` is an optional separator (the formatter drops a stray one), so it neither takes
    // the doc comments above it nor stops a `///` after it from documenting the next item.
    if (kind !== "newline" && kind !== "eof" && !(kind === "punct" && text === ",")) {
      if (this.pendingDoc.length > 0 && this.lineStart) token.doc = this.pendingDoc;
      this.pendingDoc = [];
      this.lineStart = false;
    }
    this.tokens.push(token);
  }

  private newline(i: number): number {
    const next = this.text.charCodeAt(i) === 13 && this.text.charCodeAt(i + 1) === 10 && i + 1 < this.end ? i + 2 : i + 1;
    this.push("newline", "\n", i, next);
    this.lineStart = true;
    if (++this.newlinesSinceDoc > 1) this.pendingDoc = [];
    return next;
  }

  private addComment(comment: Comment): void {
    this.sink.comments?.push(comment);
    if (comment.style === "doc" && this.lineStart) {
      this.pendingDoc.push(comment);
      this.newlinesSinceDoc = 0;
    } else if (this.lineStart) {
      this.pendingDoc = [];
    }
  }

  private lineComment(i: number): number {
    let j = i + 2;
    while (j < this.end && !isLineBreak(this.text.charCodeAt(j))) j++;
    const body = this.text.slice(i, j);
    const style = body.startsWith("///") && !body.startsWith("////") ? "doc" : "line";
    this.addComment({ kind: "Comment", style, text: body, span: { start: i, end: j } });
    return j;
  }

  private blockComment(i: number): number {
    const close = this.text.indexOf("*/", i + 2);
    const j = close === -1 || close + 2 > this.end ? this.end : close + 2;
    if (close === -1 || close + 2 > this.end) this.sink.error({ start: i, end: i + 2 }, "unterminated block comment: expected `*/`");
    this.addComment({ kind: "Comment", style: "block", text: this.text.slice(i, j), span: { start: i, end: j } });
    return j;
  }

  private number(i: number): number {
    const { text } = this;
    let j = i;
    while (j < this.end && isDigit(text.charCodeAt(j))) j++;
    if (text.charCodeAt(j) === 46 && j + 1 < this.end && isDigit(text.charCodeAt(j + 1))) {
      j++;
      while (j < this.end && isDigit(text.charCodeAt(j))) j++;
    }
    const e = text.charCodeAt(j);
    if ((e === 101 || e === 69) && j + 1 < this.end) {
      const sign = text.charCodeAt(j + 1);
      const digitAt = sign === 43 || sign === 45 ? j + 2 : j + 1;
      if (digitAt < this.end && isDigit(text.charCodeAt(digitAt))) {
        j = digitAt;
        while (j < this.end && isDigit(text.charCodeAt(j))) j++;
      }
    }
    const raw = text.slice(i, j);
    let unit: string | undefined;
    if (j < this.end && text.charCodeAt(j) === 37) {
      unit = "%";
      j++;
    } else if (j < this.end && isIdentStart(text.charCodeAt(j))) {
      const unitStart = j;
      while (j < this.end && isIdentPart(text.charCodeAt(j))) j++;
      unit = text.slice(unitStart, j);
    }
    this.push("number", text.slice(i, j), i, j, { raw, unit });
    return j;
  }

  private identifier(i: number): number {
    let j = i + 1;
    while (j < this.end && isIdentPart(this.text.charCodeAt(j))) j++;
    this.push("ident", this.text.slice(i, j), i, j);
    return j;
  }

  private punctuation(i: number): number {
    const two = this.text.slice(i, i + 2);
    if (i + 1 < this.end && TWO_CHAR_PUNCT.has(two)) {
      this.push("punct", two, i, i + 2);
      return i + 2;
    }
    const one = this.text[i]!;
    if (ONE_CHAR_PUNCT.has(one)) {
      this.push("punct", one, i, i + 1);
      return i + 1;
    }
    let j = i + 1;
    while (j < this.end && isUnexpected(this.text, j)) j++;
    const bad = this.text.slice(i, j);
    const hint = bad === "!" ? " (write `not` for negation)" : bad === "&&" ? " (write `and`)" : bad === "||" ? " (write `or`)" : "";
    this.sink.error({ start: i, end: j }, `unexpected character${j - i > 1 ? "s" : ""} \`${bad}\`${hint}`);
    this.push("error", bad, i, j);
    return j;
  }

  private string(i: number): number {
    const scanned = scanString(this.text, i, this.end, this.sink, 0);
    if (!scanned.terminated && !scanned.reported) {
      this.sink.error({ start: i, end: scanned.end }, 'unterminated string: expected a closing `"` before the end of the line');
    }
    this.push("string", this.text.slice(i, scanned.end), i, scanned.end, {
      value: scanned.value,
      parts: scanned.parts,
      terminated: scanned.terminated,
    });
    return scanned.end;
  }
}

function isUnexpected(text: string, j: number): boolean {
  const c = text.charCodeAt(j);
  if (isSpace(c) || isLineBreak(c) || isDigit(c) || isIdentStart(c) || c === 34) return false;
  return !ONE_CHAR_PUNCT.has(text[j]!) && !TWO_CHAR_PUNCT.has(text.slice(j, j + 2));
}

interface ScannedString {
  end: number;
  /** True when a problem that already explains the missing quote was reported. */
  reported: boolean;
  value: string;
  parts: LexedStringPart[];
  terminated: boolean;
}

const SIMPLE_ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", '"': '"', "\\": "\\", $: "$", "0": "\0" };

/**
 * Reads the string starting at the quote at `i`. An unterminated string ends at
 * the end of its line. Pass `sink` undefined to only measure (used for strings
 * nested in interpolations, which are lexed again when their expression is parsed).
 */
function scanString(text: string, i: number, end: number, sink: LexSink | undefined, nesting: number): ScannedString {
  const parts: LexedStringPart[] = [];
  let value = "";
  let chunk = "";
  let chunkStart = i + 1;
  let j = i + 1;
  let terminated = false;
  let reported = false;
  const flush = (upTo: number): void => {
    if (upTo > chunkStart) parts.push({ kind: "Text", value: chunk, span: { start: chunkStart, end: upTo } });
    chunk = "";
  };
  while (j < end) {
    const c = text.charCodeAt(j);
    if (isLineBreak(c)) break;
    if (c === 34) {
      terminated = true;
      j++;
      break;
    }
    if (c === 92) {
      const escape = readEscape(text, j, end);
      if (escape.cooked === undefined)
        sink?.error(
          { start: j, end: escape.end },
          `unknown escape sequence \`${text.slice(j, escape.end)}\` (valid: \\n \\t \\" \\\\ \\$ \\u{...})`,
        );
      chunk += escape.cooked ?? text.slice(j, escape.end);
      value += escape.cooked ?? text.slice(j, escape.end);
      j = escape.end;
      continue;
    }
    if (c === 36 && text.charCodeAt(j + 1) === 123 && j + 1 < end) {
      flush(j);
      const close = nesting >= MAX_STRING_NESTING ? -1 : findInterpolationEnd(text, j + 2, end, nesting);
      if (close === -1) {
        let k = j;
        while (k < end && !isLineBreak(text.charCodeAt(k))) k++;
        sink?.error(
          { start: j, end: j + 2 },
          nesting >= MAX_STRING_NESTING ? "strings nested too deeply in interpolations" : "unterminated interpolation: expected `}`",
        );
        j = k;
        chunkStart = j;
        reported = true;
        break;
      }
      parts.push({ kind: "Interpolation", span: { start: j, end: close + 1 }, inner: { start: j + 2, end: close } });
      value += text.slice(j, close + 1);
      j = close + 1;
      chunkStart = j;
      continue;
    }
    chunk += text[j];
    value += text[j];
    j++;
  }
  flush(terminated ? j - 1 : j);
  return { end: j, value, parts, terminated, reported };
}

function readEscape(text: string, j: number, end: number): { cooked?: string; end: number } {
  const next = text[j + 1];
  if (next === undefined || j + 1 >= end || isLineBreak(text.charCodeAt(j + 1))) return { cooked: "\\", end: j + 1 };
  const simple = SIMPLE_ESCAPES[next];
  if (simple !== undefined) return { cooked: simple, end: j + 2 };
  if (next === "u" && text[j + 2] === "{") {
    const close = text.indexOf("}", j + 3);
    const hex = close === -1 ? "" : text.slice(j + 3, close);
    if (close !== -1 && close < end && /^[0-9a-fA-F]{1,6}$/.test(hex) && parseInt(hex, 16) <= 0x10ffff) {
      return { cooked: String.fromCodePoint(parseInt(hex, 16)), end: close + 1 };
    }
  }
  return { end: j + 2 };
}

/** Index of the `}` closing an interpolation whose expression starts at `i`, or -1. */
function findInterpolationEnd(text: string, i: number, end: number, nesting: number): number {
  let depth = 0;
  let j = i;
  while (j < end) {
    const c = text.charCodeAt(j);
    if (isLineBreak(c)) return -1;
    if (c === 34) {
      const inner = scanString(text, j, end, undefined, nesting + 1);
      if (!inner.terminated) return -1;
      j = inner.end;
      continue;
    }
    if (c === 123) depth++;
    else if (c === 125) {
      if (depth === 0) return j;
      depth--;
    }
    j++;
  }
  return -1;
}
