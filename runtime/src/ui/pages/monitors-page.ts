/** `/monitors`: every monitor check recorded, newest first, and each monitor's drift share over time. */
import { html, num } from "../../report/html.js";
import { figureGrid, statusBadge } from "../../report/sections.js";
import { lineChart } from "../../report/svg/line-chart.js";
import type { MonitorReport } from "../../steps/monitor.js";
import { uiPage } from "./layout.js";

export interface MonitorCheck {
  runId: string;
  at: string;
  status: string;
  report: MonitorReport | null;
  error: string | null;
}

export function monitorsPage(project: string, checks: MonitorCheck[]): string {
  const byMonitor = new Map<string, MonitorCheck[]>();
  for (const c of checks) {
    const name = c.report?.monitor ?? "?";
    byMonitor.set(name, [...(byMonitor.get(name) ?? []), c]);
  }
  const figures = [...byMonitor.entries()]
    .filter(([, list]) => list.some((c) => typeof c.report?.signals.drift_share === "number"))
    .map(([name, list]) => {
      const points = list.filter((c) => typeof c.report?.signals.drift_share === "number").reverse();
      const t0 = Date.parse(points[0]!.at);
      return {
        id: `drift-${name}`,
        caption: `${name}: share of drifted columns per check (hours since the first check)`,
        svg: lineChart({
          title: `Drift share of ${name}`,
          series: [
            {
              label: name,
              x: points.map((c) => (Date.parse(c.at) - t0) / 3_600_000),
              y: points.map((c) => c.report!.signals.drift_share as number),
              dots: true,
              pointTitles: points.map((c) => `${c.at}: ${num(c.report!.signals.drift_share)}`),
            },
          ],
          xLabel: "hours since the first check",
          yLabel: "drift share",
          yDomain: [0, 1],
        }),
      };
    });
  const body = html`<h1>Monitors</h1>${
    checks.length === 0
      ? html`<p class="muted">No monitor has run yet: <code>mlops monitor</code> records its checks here.</p>`
      : html`${figureGrid(figures)}<table class="monitors"><thead><tr><th>when</th><th>monitor</th><th>status</th><th>model</th><th>rows</th><th>drifted</th><th>policies fired</th><th>run</th></tr></thead><tbody>${checks.map(
          (c) => {
            const r = c.report;
            const drifted = r ? r.drift.filter((d) => d.drifted).map((d) => `${d.target} (${d.method})`) : [];
            const fired = r ? r.policies.filter((p) => p.triggered).map((p) => p.outcome ?? p.action) : [];
            return html`<tr><td>${c.at.replace("T", " ").slice(0, 19)}</td><td><code>${r?.monitor ?? "?"}</code></td><td>${statusBadge(c.status)}</td><td>${r ? `${r.model} v${r.version}` : ""}</td><td>${r ? `${r.currentRows} / ${r.referenceRows}` : ""}</td><td>${drifted.join(", ") || (r ? "none" : (c.error ?? ""))}</td><td>${fired.join("; ") || (r ? "none" : "")}</td><td><a href="/runs/${encodeURIComponent(c.runId)}"><code>${c.runId}</code></a></td></tr>`;
          },
        )}</tbody></table>`
  }`;
  return uiPage("Monitors", "monitors", project, body);
}
