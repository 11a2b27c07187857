/**
 * `/monitors`: every monitor check recorded, newest first — its verdict, each drift test's
 * statistic against its threshold, the measured signals and the policies that fired — and each
 * monitor's drift share over time.
 */
import { html, type Markup, num } from "../../report/html.js";
import { figureGrid, statusBadge } from "../../report/sections.js";
import { lineChart } from "../../report/svg/line-chart.js";
import type { DriftResult, MonitorReport } from "../../steps/monitor.js";
import { uiPage } from "./layout.js";

export interface MonitorCheck {
  runId: string;
  /** The monitor's name (known even when the check failed before its report). */
  monitor: string;
  at: string;
  status: string;
  report: MonitorReport | null;
  error: string | null;
}

export function monitorsPage(project: string, checks: MonitorCheck[]): string {
  const body = html`<h1>Monitors</h1>${
    checks.length === 0
      ? html`<p class="muted">No monitor has run yet: <code>mlops monitor</code> records its checks here.</p>`
      : html`${figureGrid(driftShareFigures(checks))}<table class="monitors"><thead><tr><th>when</th><th>monitor</th><th>verdict</th><th>model</th><th title="current rows / reference rows">rows</th><th>drift share</th><th>drift tests</th><th>signals</th><th>policies fired</th><th>run</th></tr></thead><tbody>${checks.map(
          checkRow,
        )}</tbody></table>`
  }`;
  return uiPage("Monitors", "monitors", project, body);
}

/** A check's verdict: `drifted` when a drift test fired, `quiet` when none did. */
export function driftVerdict(report: MonitorReport): "drifted" | "quiet" {
  return report.drift.some((d) => d.drifted) ? "drifted" : "quiet";
}

/** The verdict, or the step status of a check that failed (it has no report). */
function verdict(check: MonitorCheck): string {
  return check.report ? driftVerdict(check.report) : check.status;
}

function checkRow(check: MonitorCheck): Markup {
  const r = check.report;
  return html`<tr data-run="${check.runId}" data-verdict="${verdict(check)}"><td>${check.at.replace("T", " ").slice(0, 19)}</td><td><code>${check.monitor}</code></td><td>${statusBadge(verdict(check))}</td><td>${r ? `${r.model} v${r.version}` : ""}</td><td>${r ? `${r.currentRows} / ${r.referenceRows}` : ""}</td><td class="num">${r ? num(r.signals.drift_share) : ""}</td><td>${r ? driftTests(r.drift) : html`<span class="error">${check.error ?? ""}</span>`}</td><td>${r ? measuredSignals(r) : ""}</td><td>${r ? firedPolicies(r) : ""}</td><td><a href="/runs/${encodeURIComponent(check.runId)}"><code>${check.runId}</code></a></td></tr>`;
}

/** One line per drift test: `petal_length psi = 5.562 (drifts when > 0.2)`, drifted ones marked. */
function driftTests(drift: DriftResult[]): Markup {
  return html`<ul class="drift-tests">${drift.map(
    (d) =>
      html`<li class="${d.drifted ? "drifted" : "ok"}"><code>${d.target}</code> ${d.method} = ${d.error ? html`<span class="error">${d.error}</span>` : num(d.value)} <span class="muted">(drifts when ${d.comparison} ${num(d.threshold)})</span></li>`,
  )}</ul>`;
}

/** Each policy whose condition held, with what it did; a retrain links to the run it started. */
function firedPolicies(report: MonitorReport): Markup | string {
  const fired = report.policies.filter((p) => p.triggered);
  if (fired.length === 0) return "none";
  return html`<ul class="policies">${fired.map(
    (p) =>
      html`<li>${p.policy} → ${p.outcome ?? p.action}${p.run ? html` (<a class="action-run" href="/runs/${encodeURIComponent(p.run)}">run <code>${p.run}</code></a>)` : ""}</li>`,
  )}</ul>`;
}

/** The signals this check measured other than the drift share (shown in its own column). */
function measuredSignals(report: MonitorReport): string {
  const measured = Object.entries(report.signals).filter(([name, value]) => name !== "drift_share" && typeof value === "number");
  return measured.map(([name, value]) => `${name} = ${num(value)}`).join(", ") || "none measured";
}

function driftShareFigures(checks: MonitorCheck[]): Array<{ id: string; caption: string; svg: string }> {
  const byMonitor = new Map<string, MonitorCheck[]>();
  for (const c of checks) {
    if (typeof c.report?.signals.drift_share !== "number") continue;
    byMonitor.set(c.monitor, [...(byMonitor.get(c.monitor) ?? []), c]);
  }
  return [...byMonitor.entries()].map(([name, list]) => {
    const points = [...list].reverse();
    const t0 = Date.parse(points[0]!.at);
    const unit = timeUnit(Date.parse(points.at(-1)!.at) - t0);
    return {
      id: `drift-${name}`,
      caption: `${name}: share of drifted columns per check (${unit.name} since the first check)`,
      svg: lineChart({
        title: `Drift share of ${name}`,
        series: [
          {
            label: name,
            x: points.map((c) => (Date.parse(c.at) - t0) / unit.ms),
            y: points.map((c) => c.report!.signals.drift_share as number),
            dots: true,
            pointTitles: points.map((c) => `${c.at}: ${num(c.report!.signals.drift_share)}`),
          },
        ],
        xLabel: `${unit.name} since the first check`,
        yLabel: "drift share",
        yDomain: [0, 1],
      }),
    };
  });
}

/** The unit that keeps a time axis of this span readable (checks seconds apart in a test, days apart in production). */
function timeUnit(spanMs: number): { name: string; ms: number } {
  if (spanMs < 2 * 60_000) return { name: "seconds", ms: 1000 };
  if (spanMs < 2 * 3_600_000) return { name: "minutes", ms: 60_000 };
  if (spanMs < 2 * 86_400_000) return { name: "hours", ms: 3_600_000 };
  return { name: "days", ms: 86_400_000 };
}
