/**
 * What an `alert(notifier)` posts: the monitor's summary as a JSON document (`format = json`), or a
 * Slack-compatible incoming-webhook message (`format = slack`: `text` plus `blocks`; Mattermost and
 * Rocket.Chat accept the same shape).
 */
import type { NotifierSpec } from "@mlops/compiler";

export interface AlertSummary {
  monitor: string;
  deployment: string;
  model: string;
  version: number;
  /** The policy that fired, as written (`drift_share >= 30%`). */
  policy: string;
  /** The run of the monitor that fired it. */
  runId: string;
  /** ISO time of the check. */
  at: string;
  /** Columns whose drift rule fired. */
  drifted: string[];
  signals: Record<string, number | null>;
  /** The monitor's report (project-relative path). */
  report: string;
}

export function alertPayload(format: NotifierSpec["format"], summary: AlertSummary): unknown {
  if (format === "json") return { kind: "mlops.monitor.alert", v: 1, ...summary };
  const text = headline(summary);
  const signals = Object.entries(summary.signals)
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `${k} = ${Number((v as number).toPrecision(4))}`)
    .join(", ");
  const details = [
    `*Policy:* \`${summary.policy}\``,
    `*Drifted:* ${summary.drifted.length > 0 ? summary.drifted.map((d) => `\`${d}\``).join(", ") : "none"}`,
    `*Signals:* ${signals || "none measured"}`,
    `*Run:* \`${summary.runId}\` — report \`${summary.report}\``,
  ].join("\n");
  return {
    text,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `:rotating_light: ${escapeMrkdwn(text)}` } },
      { type: "section", text: { type: "mrkdwn", text: escapeMrkdwn(details) } },
    ],
  };
}

function headline(s: AlertSummary): string {
  return `Monitor ${s.monitor}: ${s.policy} fired for ${s.model} v${s.version} (deployment ${s.deployment})`;
}

/** Slack's mrkdwn reserves `&`, `<` and `>`. */
function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
