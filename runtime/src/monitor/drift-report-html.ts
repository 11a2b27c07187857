/**
 * The drift report as one self-contained HTML page (inline CSS and SVG, no script, nothing fetched,
 * readable offline): per drift target the statistic, threshold and verdict and a reference-vs-current
 * histogram; the signals; each policy's outcome. Every text from data is escaped.
 */
import type { MonitorReport } from "../steps/monitor.js";
import type { Histogram } from "./histograms.js";

const REFERENCE_COLOR = "#4c78a8";
const CURRENT_COLOR = "#f58518";

export function driftReportHtml(report: MonitorReport, histograms: Record<string, Histogram>): string {
  const title = `Monitor ${report.monitor}: ${report.model} v${report.version}`;
  const drifted = report.drift.filter((d) => d.drifted).length;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 980px; color: #222; padding: 0 1rem; }
table { border-collapse: collapse; margin: .5rem 0 1.5rem; }
th, td { text-align: left; padding: .25rem .75rem; border-bottom: 1px solid #ddd; vertical-align: top; }
.drift { color: #b00020; font-weight: 600; }
.ok { color: #2e7d32; }
.legend span { display: inline-block; width: .8rem; height: .8rem; margin: 0 .3rem 0 1rem; vertical-align: middle; }
figure { margin: 0 0 1.5rem; }
figcaption { font-weight: 600; margin-bottom: .25rem; }
</style>
</head>
<body>
<h1>${esc(title)}</h1>
<p>Deployment <b>${esc(report.deployment)}</b>, checked ${esc(report.at)}. Reference: ${report.referenceRows} rows; current: ${report.currentRows} rows from ${esc(report.current)}${report.labelledRows !== undefined ? `; ${report.labelledRows} labelled` : ""}.</p>
<p><b>${drifted} of ${report.drift.length}</b> drift rules fired.</p>
<h2>Drift</h2>
<table>
<tr><th>target</th><th>method</th><th>value</th><th>drifts when</th><th>verdict</th></tr>
${report.drift.map((d) => `<tr><td>${esc(d.target)}</td><td>${esc(d.method)}</td><td>${d.value === null ? "n/a" : esc(num(d.value))}</td><td>${esc(`${d.comparison} ${d.threshold}`)}</td><td class="${d.drifted ? "drift" : "ok"}">${d.drifted ? "DRIFT" : "ok"}${d.error ? ` — ${esc(d.error)}` : ""}</td></tr>`).join("\n")}
</table>
<p class="legend">Histograms: share of rows per bin<span style="background:${REFERENCE_COLOR}"></span>reference<span style="background:${CURRENT_COLOR}"></span>current</p>
${report.drift
  .filter((d) => histograms[d.target])
  .map(
    (d) =>
      `<figure><figcaption>${esc(d.target)} <span class="${d.drifted ? "drift" : "ok"}">${d.drifted ? "DRIFT" : "ok"}</span></figcaption>${chart(histograms[d.target]!)}</figure>`,
  )
  .join("\n")}
<h2>Signals</h2>
<table>
${Object.entries(report.signals)
  .map(([name, value]) => `<tr><td>${esc(name)}</td><td>${value === null ? "not measured" : esc(num(value))}</td></tr>`)
  .join("\n")}
</table>
<h2>Policies</h2>
<table>
<tr><th>policy</th><th>action</th><th>outcome</th></tr>
${report.policies.map((p) => `<tr><td>${esc(p.policy)}</td><td>${esc(p.action)}</td><td>${p.acted ? "<b>acted</b>: " : p.triggered ? "held back: " : "quiet"}${p.outcome ? esc(p.outcome.replace(/^held back: /, "")) : ""}</td></tr>`).join("\n")}
</table>
</body>
</html>
`;
}

/** Grouped bars, reference and current side by side per bin, with the bin labels below. */
function chart(h: Histogram): string {
  const n = h.labels.length;
  if (n === 0) return "<p>no values</p>";
  const barW = 14;
  const groupW = barW * 2 + 8;
  const height = 140;
  const labelH = h.kind === "numeric" ? 70 : 60;
  const width = Math.max(200, n * groupW + 90);
  const max = Math.max(...h.reference, ...h.current, 1e-9);
  const bars = h.labels.map((label, k) => {
    const x = 30 + k * groupW;
    const bar = (share: number, dx: number, color: string, who: string): string => {
      const barH = (share / max) * height;
      return `<rect x="${x + dx}" y="${(height - barH + 10).toFixed(1)}" width="${barW}" height="${barH.toFixed(1)}" fill="${color}"><title>${esc(`${label} ${who}: ${(share * 100).toFixed(1)}%`)}</title></rect>`;
    };
    return `${bar(h.reference[k]!, 0, REFERENCE_COLOR, "reference")}${bar(h.current[k]!, barW, CURRENT_COLOR, "current")}<text x="${x + barW}" y="${height + 18}" font-size="10" transform="rotate(40 ${x + barW} ${height + 18})">${esc(label.length > 24 ? `${label.slice(0, 23)}…` : label)}</text>`;
  });
  const missing =
    h.missing.reference > 0 || h.missing.current > 0
      ? `<p>missing: reference ${(h.missing.reference * 100).toFixed(1)}%, current ${(h.missing.current * 100).toFixed(1)}%</p>`
      : "";
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height + labelH}" role="img" aria-label="histogram"><line x1="26" y1="${height + 10}" x2="${width}" y2="${height + 10}" stroke="#999"/>${bars.join("")}</svg>${missing}`;
}

function num(v: number): string {
  return String(Number(v.toPrecision(4)));
}

function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}
