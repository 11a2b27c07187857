/** `/runs/:id`: one run with its pictures (the same sections as `mlops report`). */
import { html } from "../../report/html.js";
import { runBody } from "../../report/run-report.js";
import type { RunView } from "../../report/run-view.js";
import { uiPage } from "./layout.js";

export function runPage(project: string, view: RunView): string {
  const links = html`<p><a href="/compare?run=${encodeURIComponent(view.run.id)}">Compare with…</a></p>`;
  return uiPage(`Run ${view.run.id}`, "runs", project, runBody(view, links));
}
