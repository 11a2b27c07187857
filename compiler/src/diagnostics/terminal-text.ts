/**
 * Text from a source file (or a data file's header) made safe to print on a terminal, as
 * clang and rustc do: control characters are shown as escapes, so an ESC sequence in a
 * string literal cannot retitle the terminal, move the cursor or fake "0 errors"; bidi
 * overrides cannot reorder what the reader sees (CVE-2021-42574).
 */

/** Whether a UTF-16 code unit is shown as an escape: C0 and C1 controls, DEL, bidi embeddings, overrides and isolates. */
function isUnprintable(code: number): boolean {
  return code < 0x20 || (code >= 0x7f && code <= 0x9f) || (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069);
}

function escapeOf(code: number): string {
  return `\\u{${code.toString(16)}}`;
}

/** `text` with every control character written as `\u{1b}` (tabs and line breaks too: a message is one line). */
export function escapeControl(text: string): string {
  let out = "";
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (!isUnprintable(code)) continue;
    out += text.slice(from, i) + escapeOf(code);
    from = i + 1;
  }
  return from === 0 ? text : out + text.slice(from);
}

/** A source line as a code frame shows it, with the columns a caret range maps to. */
export interface FramedLine {
  text: string;
  caretStart: number;
  caretLength: number;
}

/**
 * Prepares one source line for a code frame: tabs become one space, control characters
 * escapes (carets move with them), and a line longer than `width` is cut to a window
 * around the range with `…` at the cut ends.
 */
export function frameLine(line: string, from: number, to: number, width = 160): FramedLine {
  const columns: number[] = [];
  let text = "";
  for (let i = 0; i < line.length; i++) {
    columns.push(text.length);
    const code = line.charCodeAt(i);
    text += code === 9 ? " " : isUnprintable(code) ? escapeOf(code) : line[i];
  }
  columns.push(text.length);
  const column = (i: number) => columns[Math.max(0, Math.min(i, line.length))]!;
  let caretStart = column(from);
  let caretLength = Math.max(1, column(to) - caretStart);
  if (text.length <= width) return { text, caretStart, caretLength };
  const start = Math.max(0, Math.min(caretStart - Math.floor(width / 4), text.length - width));
  const end = Math.min(text.length, start + width);
  const head = start > 0 ? "…" : "";
  const shown = `${head}${text.slice(start, end)}${end < text.length ? "…" : ""}`;
  caretStart = caretStart - start + head.length;
  caretLength = Math.max(1, Math.min(caretLength, end - start + head.length - caretStart));
  return { text: shown, caretStart, caretLength };
}
