/** Horizontal bars with labels: model coefficients, the search metric of every candidate. */
import { INK, MUTED, PALETTE, escapeXml, formatTick, linearScale, n, svgDocument, ticks } from "./svg.js";

export interface Bar {
  label: string;
  value: number | null;
  /** ± this much (the spread over folds). */
  error?: number | null;
  highlight?: boolean;
  title?: string;
}

export interface BarChartOptions {
  title: string;
  bars: Bar[];
  valueLabel: string;
  width?: number;
  /** Start the value axis at 0 (coefficients, counts) or fit the values (scores close together). */
  zero?: boolean;
}

const ROW = 22;

export function barChart(options: BarChartOptions): string {
  const bars = options.bars;
  const labelWidth = Math.min(260, Math.max(60, ...bars.map((b) => b.label.length * 6.4 + 12)));
  const width = options.width ?? 520;
  const f = { width, height: bars.length * ROW + 58, left: labelWidth, top: 12, right: width - 56, bottom: bars.length * ROW + 18 };
  const values = bars.flatMap((b) => (b.value === null ? [] : [b.value - (b.error ?? 0), b.value + (b.error ?? 0)]));
  const lo = Math.min(...values, ...(options.zero !== false ? [0] : []));
  const hi = Math.max(...values, ...(options.zero !== false ? [0] : []));
  const margin = options.zero === false ? (hi - lo) * 0.15 || 0.01 : 0;
  const x = linearScale([lo - margin, hi + margin], [f.left, f.right]);
  const origin = x(Math.max(x.domain[0], Math.min(0, x.domain[1])));
  const base = options.zero === false ? f.left : origin;
  const body: string[] = [];
  for (const t of ticks(x.domain)) {
    body.push(`<line x1="${n(x(t))}" x2="${n(x(t))}" y1="${f.top}" y2="${f.bottom}" stroke="#e6e8eb"/>`);
    body.push(`<text x="${n(x(t))}" y="${f.bottom + 14}" text-anchor="middle" fill="${INK}">${escapeXml(formatTick(t))}</text>`);
  }
  bars.forEach((bar, i) => {
    const cy = f.top + i * ROW + ROW / 2;
    body.push(
      `<text x="${f.left - 6}" y="${n(cy + 4)}" text-anchor="end" fill="${INK}"${bar.highlight ? ' font-weight="bold"' : ""}>${escapeXml(bar.label)}</text>`,
    );
    if (bar.value === null) {
      body.push(`<text x="${n(base + 4)}" y="${n(cy + 4)}" fill="${MUTED}">n/a</text>`);
      return;
    }
    const end = x(bar.value);
    const color = bar.highlight ? PALETTE[5]! : bar.value < 0 ? PALETTE[1]! : PALETTE[0]!;
    const title = bar.title ?? `${bar.label}: ${formatTick(bar.value)}`;
    body.push(
      `<rect class="bar" x="${n(Math.min(base, end))}" y="${n(cy - 7)}" width="${n(Math.max(1, Math.abs(end - base)))}" height="14" fill="${color}"><title>${escapeXml(title)}</title></rect>`,
    );
    if (bar.error) {
      const a = x(bar.value - bar.error);
      const b = x(bar.value + bar.error);
      body.push(
        `<path d="M${n(a)} ${n(cy)}H${n(b)}M${n(a)} ${n(cy - 4)}V${n(cy + 4)}M${n(b)} ${n(cy - 4)}V${n(cy + 4)}" stroke="${INK}"/>`,
      );
    }
    body.push(
      `<text x="${n(Math.max(base, end) + 4 + (bar.error ? Math.abs(x(bar.value + bar.error) - end) : 0))}" y="${n(cy + 4)}" fill="${INK}">${escapeXml(formatTick(bar.value))}</text>`,
    );
  });
  body.push(`<line x1="${n(base)}" x2="${n(base)}" y1="${f.top}" y2="${f.bottom}" stroke="${INK}"/>`);
  body.push(
    `<text x="${n((f.left + f.right) / 2)}" y="${f.height - 6}" text-anchor="middle" fill="${INK}">${escapeXml(options.valueLabel)}</text>`,
  );
  return svgDocument(f, options.title, body);
}
