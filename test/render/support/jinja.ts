/**
 * Renders the only Jinja the renderers may emit — `{{ '{' }}`, `{{ '\r' }}` and `{{ '' }}` —
 * and throws on any other tag, the way a Jinja2 environment with default settings treats
 * template text: line endings in literal text become `\n` and one trailing newline is dropped.
 */
export function renderJinja(source: string): string {
  let text = source.endsWith("\n") ? source.slice(0, -1) : source;
  let out = "";
  for (;;) {
    const at = text.search(/\{[{%#]/);
    const data = at < 0 ? text : text.slice(0, at);
    out += data.replace(/\r\n|\r/g, "\n");
    if (at < 0) break;
    text = text.slice(at);
    const match = /^\{\{ '(\{|\\r|)' \}\}/.exec(text);
    if (!match) throw new Error(`Jinja would interpret ${JSON.stringify(text.slice(0, 20))}`);
    out += match[1] === "\\r" ? "\r" : match[1];
    text = text.slice(match[0].length);
  }
  return out;
}
