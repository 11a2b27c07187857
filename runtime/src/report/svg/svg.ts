/**
 * Hand-written SVG for the run report and the UI: a chart is a string of markup, so the same
 * function draws in an offline HTML file and in a page served by `mlops ui`, with no script and
 * no library in the browser. Every text that reaches markup goes through `escapeXml`.
 */

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** Series colours (colour-blind safe, Okabe–Ito), then a neutral for reference lines. */
export const PALETTE = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000"];
export const MUTED = "#9aa0a6";
export const INK = "#1f2328";

export interface Frame {
  width: number;
  height: number;
  /** Plot area inside the frame. */
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export function frame(width: number, height: number, margins = { left: 56, top: 16, right: 16, bottom: 44 }): Frame {
  return { width, height, left: margins.left, top: margins.top, right: width - margins.right, bottom: height - margins.bottom };
}

export interface Scale {
  (value: number): number;
  domain: [number, number];
}

export function linearScale(domain: [number, number], range: [number, number]): Scale {
  const [d0, d1] = domain[0] === domain[1] ? [domain[0] - 1, domain[1] + 1] : domain;
  const scale = ((v: number) => range[0] + ((v - d0) / (d1 - d0)) * (range[1] - range[0])) as Scale;
  scale.domain = [d0, d1];
  return scale;
}

/** About `count` round tick values covering the domain. */
export function ticks([lo, hi]: [number, number], count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

export function formatTick(value: number): string {
  if (value === 0) return "0";
  const abs = Math.abs(value);
  if (abs >= 10_000 || abs < 0.001) return value.toExponential(1);
  return String(Number(value.toPrecision(4)));
}

/** The outer `<svg>`: a fixed viewBox that scales to its container, with an accessible title. */
export function svgDocument(f: Frame, title: string, body: string[], className = "chart"): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" class="${className}" viewBox="0 0 ${f.width} ${f.height}" width="${f.width}" height="${f.height}" role="img" aria-label="${escapeXml(title)}" font-family="system-ui, sans-serif" font-size="11"><title>${escapeXml(title)}</title>${body.join("")}</svg>`;
}

/** Axes with ticks, grid lines and labels. */
export function axes(
  f: Frame,
  x: Scale,
  y: Scale,
  labels: { x: string; y: string },
  xTicks = ticks(x.domain),
  yTicks = ticks(y.domain),
): string[] {
  const out: string[] = [];
  for (const t of yTicks) {
    const py = y(t);
    out.push(`<line x1="${f.left}" x2="${f.right}" y1="${n(py)}" y2="${n(py)}" stroke="#e6e8eb"/>`);
    out.push(`<text x="${f.left - 6}" y="${n(py + 3.5)}" text-anchor="end" fill="${INK}">${escapeXml(formatTick(t))}</text>`);
  }
  for (const t of xTicks) {
    const px = x(t);
    out.push(`<line x1="${n(px)}" x2="${n(px)}" y1="${f.bottom}" y2="${f.bottom + 4}" stroke="${INK}"/>`);
    out.push(`<text x="${n(px)}" y="${f.bottom + 16}" text-anchor="middle" fill="${INK}">${escapeXml(formatTick(t))}</text>`);
  }
  out.push(`<line x1="${f.left}" x2="${f.right}" y1="${f.bottom}" y2="${f.bottom}" stroke="${INK}"/>`);
  out.push(`<line x1="${f.left}" x2="${f.left}" y1="${f.top}" y2="${f.bottom}" stroke="${INK}"/>`);
  out.push(`<text x="${n((f.left + f.right) / 2)}" y="${f.height - 6}" text-anchor="middle" fill="${INK}">${escapeXml(labels.x)}</text>`);
  out.push(
    `<text transform="translate(14 ${n((f.top + f.bottom) / 2)}) rotate(-90)" text-anchor="middle" fill="${INK}">${escapeXml(labels.y)}</text>`,
  );
  return out;
}

/** A number for an attribute: 2 decimals are enough on screen. */
export function n(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** A legend in the top-left (or bottom-right) corner of the plot area. */
export function legend(
  f: Frame,
  entries: Array<{ label: string; color: string; dashed?: boolean }>,
  corner: "top-left" | "bottom-right" = "bottom-right",
): string[] {
  const out: string[] = [];
  const lineHeight = 15;
  const width = Math.max(...entries.map((e) => e.label.length)) * 6.2 + 30;
  const x0 = corner === "top-left" ? f.left + 8 : f.right - width - 4;
  const y0 = corner === "top-left" ? f.top + 6 : f.bottom - entries.length * lineHeight - 6;
  out.push(
    `<rect x="${n(x0 - 4)}" y="${n(y0 - 2)}" width="${n(width)}" height="${entries.length * lineHeight + 4}" fill="#ffffff" fill-opacity="0.85" stroke="#e6e8eb"/>`,
  );
  entries.forEach((e, i) => {
    const y = y0 + i * lineHeight + 9;
    out.push(
      `<line x1="${n(x0)}" x2="${n(x0 + 16)}" y1="${n(y - 3)}" y2="${n(y - 3)}" stroke="${e.color}" stroke-width="2"${e.dashed ? ' stroke-dasharray="4 3"' : ""}/>`,
    );
    out.push(`<text x="${n(x0 + 22)}" y="${n(y)}" fill="${INK}">${escapeXml(e.label)}</text>`);
  });
  return out;
}
