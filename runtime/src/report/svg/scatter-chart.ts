/** Regression pictures: predicted against actual, and the residuals' histogram. */
import { MUTED, PALETTE, axes, escapeXml, frame, linearScale, n, svgDocument } from "./svg.js";

export function predictedVsActual(title: string, actual: number[], predicted: number[]): string {
  const f = frame(360, 300);
  const all = [...actual, ...predicted].filter(Number.isFinite);
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const x = linearScale([lo, hi], [f.left, f.right]);
  const y = linearScale([lo, hi], [f.bottom, f.top]);
  const body = axes(f, x, y, { x: "actual", y: "predicted" });
  body.push(`<line x1="${n(x(lo))}" y1="${n(y(lo))}" x2="${n(x(hi))}" y2="${n(y(hi))}" stroke="${MUTED}" stroke-dasharray="4 3"/>`);
  actual.forEach((a, i) => {
    const p = predicted[i]!;
    if (Number.isFinite(a) && Number.isFinite(p))
      body.push(`<circle class="point" cx="${n(x(a))}" cy="${n(y(p))}" r="2.2" fill="${PALETTE[0]}" fill-opacity="0.55"/>`);
  });
  return svgDocument(f, title, body);
}

export function histogramChart(title: string, edges: number[], counts: number[], xLabel: string): string {
  const f = frame(360, 260);
  if (counts.length === 0) return svgDocument(f, title, [`<text x="${f.left}" y="${f.top + 20}">${escapeXml("no data")}</text>`]);
  const x = linearScale([edges[0]!, edges[edges.length - 1]!], [f.left, f.right]);
  const y = linearScale([0, Math.max(...counts)], [f.bottom, f.top]);
  const body = axes(f, x, y, { x: xLabel, y: "rows" });
  counts.forEach((count, b) => {
    const x0 = x(edges[b]!);
    const x1 = x(edges[b + 1] ?? edges[b]!);
    body.push(
      `<rect class="bar" x="${n(x0 + 0.5)}" y="${n(y(count))}" width="${n(Math.max(1, x1 - x0 - 1))}" height="${n(f.bottom - y(count))}" fill="${PALETTE[0]}"><title>${escapeXml(`${edges[b]} to ${edges[b + 1]}: ${count}`)}</title></rect>`,
    );
  });
  return svgDocument(f, title, body);
}
