/** Lines over a numeric x axis: ROC, precision-recall, calibration, metric against a hyperparameter. */
import { INK, MUTED, PALETTE, axes, escapeXml, frame, legend, linearScale, n, svgDocument } from "./svg.js";

export interface LineSeries {
  label: string;
  x: number[];
  y: number[];
  color?: string;
  dashed?: boolean;
  /** Draw a dot at each point (few points: calibration bins, search candidates). */
  dots?: boolean;
  /** A label per point, shown on hover (`<title>`). */
  pointTitles?: string[];
}

export interface LineChartOptions {
  title: string;
  series: LineSeries[];
  xLabel: string;
  yLabel: string;
  xDomain?: [number, number];
  yDomain?: [number, number];
  /** The y = x reference line (chance for ROC, perfect calibration). */
  diagonal?: boolean;
  /** Log scale on x (hyperparameters such as `l2` span decades). */
  logX?: boolean;
  width?: number;
  height?: number;
}

export function lineChart(options: LineChartOptions): string {
  const f = frame(options.width ?? 360, options.height ?? 300);
  const tx = options.logX ? (v: number) => Math.log10(v) : (v: number) => v;
  const xs = options.series.flatMap((s) => s.x.filter((v) => Number.isFinite(tx(v))).map(tx));
  const ys = options.series.flatMap((s) => s.y.filter(Number.isFinite));
  const xDomain = options.xDomain ?? extent(xs);
  const yDomain = options.yDomain ?? pad(extent(ys));
  const x = linearScale(xDomain, [f.left, f.right]);
  const y = linearScale(yDomain, [f.bottom, f.top]);
  const xLabel = options.logX ? `${options.xLabel} (log scale)` : options.xLabel;
  // a log axis is labelled in the original units, one tick per decade
  const body = axes(f, x, y, { x: xLabel, y: options.yLabel }, options.logX ? [] : undefined);
  if (options.logX) {
    for (const t of logTicks(xDomain)) {
      const px = x(t);
      body.push(`<line x1="${n(px)}" x2="${n(px)}" y1="${f.bottom}" y2="${f.bottom + 4}" stroke="${INK}"/>`);
      body.push(`<text x="${n(px)}" y="${f.bottom + 16}" text-anchor="middle" fill="${INK}">${escapeXml(`1e${t}`)}</text>`);
    }
  }
  if (options.diagonal) {
    const lo = Math.max(xDomain[0], yDomain[0]);
    const hi = Math.min(xDomain[1], yDomain[1]);
    body.push(`<line x1="${n(x(lo))}" y1="${n(y(lo))}" x2="${n(x(hi))}" y2="${n(y(hi))}" stroke="${MUTED}" stroke-dasharray="4 3"/>`);
  }
  options.series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length]!;
    const points = s.x.map((v, k) => [tx(v), s.y[k]!] as const).filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b));
    if (points.length === 0) return;
    const d = points.map(([a, b], k) => `${k === 0 ? "M" : "L"}${n(x(a))} ${n(y(b))}`).join("");
    body.push(`<path class="series" d="${d}" fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 3"' : ""}/>`);
    if (s.dots)
      points.forEach(([a, b], k) => {
        const title = s.pointTitles?.[k];
        body.push(
          `<circle cx="${n(x(a))}" cy="${n(y(b))}" r="3.5" fill="${color}">${title ? `<title>${escapeXml(title)}</title>` : ""}</circle>`,
        );
      });
  });
  if (options.series.length > 1 || options.diagonal)
    body.push(
      ...legend(
        f,
        options.series.map((s, i) => ({
          label: s.label,
          color: s.color ?? PALETTE[i % PALETTE.length]!,
          ...(s.dashed ? { dashed: true } : {}),
        })),
      ),
    );
  return svgDocument(f, options.title, body);
}

function extent(values: number[]): [number, number] {
  if (values.length === 0) return [0, 1];
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

function pad([lo, hi]: [number, number]): [number, number] {
  const margin = (hi - lo) * 0.08 || Math.abs(hi) * 0.05 || 0.5;
  return [lo - margin, hi + margin];
}

function logTicks([lo, hi]: [number, number]): number[] {
  const out: number[] = [];
  for (let t = Math.ceil(lo); t <= Math.floor(hi); t++) out.push(t);
  return out.length > 0 ? out : [Math.round(lo)];
}
