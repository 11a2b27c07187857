/**
 * Escaping for every target language a renderer writes. Each function takes any
 * string and returns text that, read back by that language, yields exactly the
 * input. Output is ASCII-only where the language allows it, so unicode line
 * separators can never end a line or a comment early.
 */

function hex(codePoint: number, width: number): string {
  return codePoint.toString(16).padStart(width, "0");
}

/** A Python 3 string literal (double-quoted, ASCII-only) whose value is `value`. */
export function pythonString(value: string): string {
  let out = '"';
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (char === "\\") out += "\\\\";
    else if (char === '"') out += '\\"';
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += `\\x${hex(code, 2)}`;
    else if (code < 0x7f) out += char;
    else if (code <= 0xffff) out += `\\u${hex(code, 4)}`;
    else out += `\\U${hex(code, 8)}`;
  }
  return `${out}"`;
}

/** A JSON string literal with every non-ASCII character escaped (also a valid JavaScript literal). */
export function jsonString(value: string): string {
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    out += unit > 0x7e ? `\\u${hex(unit, 4)}` : JSON.stringify(value[i]!).slice(1, -1);
  }
  return `"${out}"`;
}

/** A Dockerfile exec-form array (`["a", "b"]`), parsed by Docker as JSON, never by a shell. */
export function dockerExecForm(args: readonly string[]): string {
  return `[${args.map(jsonString).join(", ")}]`;
}

/** One POSIX shell word: unquoted when it is made only of safe characters, single-quoted otherwise. */
export function shellWord(value: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * Text that a Jinja2 renderer (Airflow's templated fields, a DAG's `doc_md`) turns
 * back into exactly `value`: every `{` becomes the expression `{{ '{' }}`, so no
 * `{{`, `{%` or `{#` of the input survives; a carriage return (which Jinja turns into
 * `\n`) becomes `{{ '\r' }}`. A trailing newline (which Jinja drops)
 * or a template-file extension at the end (which Airflow would load as a file) is
 * protected by an empty expression.
 */
export function neutralizeJinja(value: string, templateExtensions: readonly string[] = []): string {
  const out = value.replace(/\{/g, "{{ '{' }}").replace(/\r/g, "{{ '\\r' }}");
  const risky = value.endsWith("\n") || templateExtensions.some((ext) => value.endsWith(ext));
  return risky ? `${out}{{ '' }}` : out;
}

/**
 * A string for a Kubernetes container `command`/`args`/env `value`, where the kubelet
 * expands `$(VAR)` and turns `$$` into `$`: doubling every `$` makes it literal.
 */
export function kubeletLiteral(value: string): string {
  return value.replace(/\$/g, "$$$$");
}

/** A string for a compose file, where `$VAR`/`${VAR}` are interpolated and `$$` means `$`. */
export function composeLiteral(value: string): string {
  return value.replace(/\$/g, "$$$$");
}

/** A one-line, ASCII-only rendering of a user string for a comment (`#`-style or similar). */
export function commentText(value: string): string {
  return jsonString(value).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026");
}
