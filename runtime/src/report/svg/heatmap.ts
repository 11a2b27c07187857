/** The confusion matrix as a grid of counts, shaded by the share of each true class. */
import { INK, escapeXml, n, svgDocument } from "./svg.js";

export function confusionHeatmap(title: string, labels: string[], matrix: number[][]): string {
  const k = labels.length;
  const cell = Math.max(28, Math.min(64, Math.floor(300 / k)));
  const labelWidth = Math.min(140, Math.max(...labels.map((l) => l.length * 6.4)) + 16);
  const left = labelWidth + 18;
  const top = 30;
  const width = left + k * cell + 16;
  const height = top + k * cell + 44;
  const f = { width, height, left, top, right: left + k * cell, bottom: top + k * cell };
  const body: string[] = [];
  matrix.forEach((row, t) => {
    const total = row.reduce((a, b) => a + b, 0);
    row.forEach((count, p) => {
      const share = total === 0 ? 0 : count / total;
      const x = left + p * cell;
      const y = top + t * cell;
      const fill = `rgba(0, 114, 178, ${n(0.08 + share * 0.85)})`;
      const text = share > 0.55 ? "#ffffff" : INK;
      body.push(
        `<rect class="cell" x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${fill}" stroke="#ffffff"><title>${escapeXml(`true ${labels[t]}, predicted ${labels[p]}: ${count} (${Math.round(share * 100)}% of ${labels[t]})`)}</title></rect>`,
      );
      body.push(`<text x="${n(x + cell / 2)}" y="${n(y + cell / 2 + 4)}" text-anchor="middle" fill="${text}">${count}</text>`);
    });
    body.push(
      `<text x="${left - 6}" y="${n(top + t * cell + cell / 2 + 4)}" text-anchor="end" fill="${INK}">${escapeXml(labels[t]!)}</text>`,
    );
  });
  labels.forEach((label, p) => {
    body.push(`<text x="${n(left + p * cell + cell / 2)}" y="${top - 8}" text-anchor="middle" fill="${INK}">${escapeXml(label)}</text>`);
  });
  body.push(
    `<text x="${n(left + (k * cell) / 2)}" y="${height - 10}" text-anchor="middle" fill="${INK}">predicted class (columns) · true class (rows)</text>`,
  );
  return svgDocument(f, title, body);
}
