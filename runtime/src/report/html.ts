/** Small helpers to write HTML as strings: every value is escaped unless it is already markup. */
import { escapeXml } from "./svg/svg.js";

/** Markup that must not be escaped again (built by these helpers or a chart). */
export class Markup {
  constructor(readonly html: string) {}
  toString(): string {
    return this.html;
  }
}

export type Content = Markup | string | number | null | undefined | boolean | Content[];

export function raw(html: string): Markup {
  return new Markup(html);
}

function render(content: Content): string {
  if (content === null || content === undefined || content === false || content === true) return "";
  if (content instanceof Markup) return content.html;
  if (Array.isArray(content)) return content.map(render).join("");
  return escapeXml(String(content));
}

/** `html\`<td>${value}</td>\``: interpolations are escaped; Markup (and arrays of it) is kept. */
export function html(strings: TemplateStringsArray, ...values: Content[]): Markup {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1]!;
  });
  return new Markup(out);
}

export function table(header: Content[], rows: Content[][], className = ""): Markup {
  return html`<table${raw(className ? ` class="${escapeXml(className)}"` : "")}><thead><tr>${header.map((h) => html`<th>${h}</th>`)}</tr></thead><tbody>${rows.map(
    (r) => html`<tr>${r.map((c) => html`<td>${c}</td>`)}</tr>`,
  )}</tbody></table>`;
}

/** A number as people read it in a table: 4 significant digits, thousands without exponent. */
export function num(value: number | null | undefined, unit = ""): string {
  if (value === null || value === undefined) return "n/a";
  if (!Number.isFinite(value)) return String(value);
  const text = Math.abs(value) >= 1000 ? value.toFixed(0) : String(Number(value.toPrecision(4)));
  return `${text}${unit}`;
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "-";
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  return `${Math.floor(ms / 60_000)}m ${Math.round((ms % 60_000) / 1000)}s`;
}

export function shortHash(hash: string | null | undefined, length = 12): string {
  return hash ? hash.slice(0, length) : "-";
}
