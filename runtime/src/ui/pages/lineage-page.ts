/** `/lineage`: where each registered version came from and where it is deployed. */
import { html, raw } from "../../report/html.js";
import { lineageSvg, type LineageGraph } from "../lineage-graph.js";
import { uiPage } from "./layout.js";

export function lineagePage(project: string, graph: LineageGraph): string {
  const body =
    graph.nodes.length === 0
      ? html`<h1>Lineage</h1><p class="muted">Nothing registered yet: a run that passes its gates registers a model version.</p>`
      : html`<h1>Lineage</h1><p class="muted">Data (by content hash) → fitted features → ONNX model → registered versions → deployments (through their alias).</p><figure data-figure="lineage">${raw(lineageSvg(graph))}</figure>`;
  return uiPage("Lineage", "lineage", project, body);
}
