/** `/models` and `/models/:name`: registered models, their versions (metrics, hyperparameters, run), aliases and audit trail. */
import { type Markup, html, num, raw, shortHash } from "../../report/html.js";
import { orderMetrics } from "../../report/run-view.js";
import type { ModelDetails, ModelSummary } from "../../store/model-registry.js";
import { uiPage } from "./layout.js";

export function modelsPage(project: string, models: ModelSummary[]): string {
  const body = html`<h1>Models</h1>${
    models.length === 0
      ? html`<p class="muted">No registered models yet.</p>`
      : html`<table class="models"><thead><tr><th>model</th><th>versions</th><th>latest</th><th>aliases</th><th>created</th></tr></thead><tbody>${models.map(
          (m) =>
            html`<tr><td><a href="/models/${encodeURIComponent(m.name)}"><code>${m.name}</code></a></td><td>${m.versions}</td><td>${m.latestVersion === null ? "-" : `v${m.latestVersion}`}</td><td>${Object.entries(
              m.aliases,
            ).map(
              ([a, v]) => html`<span class="tag">${a} → v${v}</span> `,
            )}</td><td>${m.createdAt.replace("T", " ").slice(0, 19)}</td></tr>`,
        )}</tbody></table>`
  }`;
  return uiPage("Models", "models", project, body);
}

export function modelPage(project: string, model: ModelDetails): string {
  const versions = [...model.versionList].sort((a, b) => b.version - a.version);
  const body = html`<h1>Model <code>${model.name}</code></h1>
<p>${model.versions} version(s); aliases: ${
    Object.keys(model.aliases).length === 0
      ? "none"
      : Object.entries(model.aliases).map(([a, v]) => html`<span class="tag">${a} → v${v}</span> `)
  }</p>
<h2>Versions</h2>
<table class="versions"><thead><tr><th>version</th><th>aliases</th><th>created</th><th>run</th><th>hyperparameters</th><th>metrics</th><th>model</th></tr></thead><tbody>${versions.map(
    (v) => {
      const hp = (v.lineage.hyperparameters ?? null) as Record<string, unknown> | null;
      const search = v.lineage.search as { winner?: string; candidates?: number; metric?: string } | undefined;
      const metrics = orderMetrics(
        Object.entries(v.metrics).map(([name, value]) => ({ name, value })),
        new Set<string>(),
      ).filter((m) => !m.name.startsWith("latency_"));
      return html`<tr id="v${v.version}"><td><strong>v${v.version}</strong></td><td>${v.aliases.map((a) => html`<span class="tag">${a}</span> `)}</td><td>${v.createdAt
        .replace("T", " ")
        .slice(
          0,
          19,
        )}<br><span class="muted">${v.createdBy}</span></td><td>${v.runId ? html`<a href="/runs/${encodeURIComponent(v.runId)}"><code>${v.runId}</code></a>` : "-"}</td><td>${
        hp
          ? html`<code>${Object.entries(hp)
              .map(([k, x]) => `${k}=${typeof x === "object" ? JSON.stringify(x) : x}`)
              .join(" ")}</code>${search ? html`<br><span class="muted">best of ${search.candidates} by ${search.metric}</span>` : ""}`
          : html`<span class="muted">${String(v.lineage.trainer ?? "-")}</span>`
      }</td><td>${metrics.slice(0, 6).map((m) => html`${m.name} ${num(m.value)}<br>`)}</td><td><code title="${v.artifactHash}">${shortHash(v.artifactHash)}</code></td></tr>`;
    },
  )}</tbody></table>
<h2>Audit trail</h2>
<table class="audit"><thead><tr><th>when</th><th>who</th><th>action</th><th>version</th><th>alias</th><th>reason</th></tr></thead><tbody>${[
    ...model.audit,
  ]
    .reverse()
    .map(
      (a) =>
        html`<tr><td>${a.at.replace("T", " ").slice(0, 19)}</td><td>${a.user}</td><td>${a.action}</td><td>${a.version === null ? "" : `v${a.version}`}</td><td>${a.alias ?? ""}</td><td>${a.reason ?? ""}${runLinks(a.details)}</td></tr>`,
    )}</tbody></table>
${raw("")}`;
  return uiPage(`Model ${model.name}`, "models", project, body);
}

/** A monitor's entry links the check that fired it and the run a retrain started. */
function runLinks(details: Record<string, unknown>): Markup | string {
  const runs = (["monitorRun", "run"] as const).flatMap((key) => (typeof details[key] === "string" ? [[key, details[key]] as const] : []));
  if (runs.length === 0) return "";
  return html`<br><span class="muted">${runs.map(
    ([key, id], i) =>
      html`${i > 0 ? ", " : ""}${key === "run" ? "retrain run" : "check"} <a href="/runs/${encodeURIComponent(id)}"><code>${id}</code></a>`,
  )}</span>`;
}
