/** `mlops runs compare RUN RUN…`: runs side by side, rows that differ marked with `≠`. */
import { compareRuns, type ComparedSection } from "../report/run-comparison.js";
import { loadRunView, type RunView } from "../report/run-view.js";
import { escapeControl } from "../serve/server-log.js";
import type { ArtifactStore } from "../store/artifact-store.js";
import type { MetadataStore } from "../store/metadata-store.js";
import { table } from "./models-command.js";

export type ComparedRuns = { runs: string[]; sections: ComparedSection[] } | { missing: string };

export async function compareRecordedRuns(
  stores: { metadata: MetadataStore; artifacts: ArtifactStore },
  ids: string[],
): Promise<ComparedRuns> {
  const views: RunView[] = [];
  for (const id of ids) {
    const view = await loadRunView(stores, id);
    if (!view) return { missing: id };
    views.push(view);
  }
  return { runs: views.map((v) => v.run.id), sections: compareRuns(views) };
}

export function formatComparison(compared: { runs: string[]; sections: ComparedSection[] }): string {
  const blocks = compared.sections.map((section) => {
    const rows = section.rows.map((r) => [
      `${r.differs ? "≠ " : "  "}${escapeControl(r.label)}${r.gated ? " (gate)" : ""}`,
      ...r.values.map((v) => (v === undefined ? "-" : r.kind === "hash" ? v.slice(0, 12) : escapeControl(v))),
    ]);
    return `${section.title}\n${table(["", ...compared.runs], rows)}`;
  });
  const differing = compared.sections.reduce((n, s) => n + s.rows.filter((r) => r.differs).length, 0);
  return `${blocks.join("\n")}\n${differing === 0 ? "no differences" : `${differing} rows differ (≠)`}\n`;
}
