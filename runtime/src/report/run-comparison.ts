/**
 * Runs side by side, as rows of values with the ones that differ marked: the facts, params and
 * data of each run, and per model its trainer (every hyperparameter, a search's winner) and its
 * metrics on the test split. One model of a comparison for `mlops runs compare` (a terminal
 * table) and the UI's compare view (HTML).
 */
import type { RunView } from "./run-view.js";

/** How a value reads: plain text, a content hash (shortened for display), a status badge. */
export type CellKind = "text" | "hash" | "status";

export interface ComparedRow {
  label: string;
  kind: CellKind;
  /** One per run, as shown; undefined where the run has no such value. */
  values: Array<string | undefined>;
  /** The runs' values are not all the same (a value missing in one run counts as a difference). */
  differs: boolean;
  /** A metric some gate of these runs judged. */
  gated?: boolean;
}

export interface ComparedSection {
  title: string;
  rows: ComparedRow[];
}

export function compareRuns(runs: RunView[]): ComparedSection[] {
  const sections: ComparedSection[] = [
    { title: "Runs", rows: factRows(runs) },
    {
      title: "Params",
      rows: union(runs.map((v) => Object.keys(v.run.context?.params ?? {}))).map((p) =>
        row(
          p,
          runs.map((v) => json(v.run.context?.params[p])),
        ),
      ),
    },
    {
      title: "Data",
      rows: union(runs.map((v) => Object.keys(v.run.context?.data ?? {}))).map((s) =>
        row(
          s,
          runs.map((v) => v.run.context?.data[s]),
          "hash",
        ),
      ),
    },
  ];
  for (const name of union(runs.map((v) => v.models.map((m) => m.name)))) {
    const per = runs.map((v) => v.models.find((m) => m.name === name));
    const trainer = union(per.map((m) => Object.keys(m?.hyperparameters ?? {}))).map((k) =>
      row(
        k,
        per.map((m) => json(m?.hyperparameters?.[k])),
      ),
    );
    if (per.some((m) => m?.search))
      trainer.push(
        row(
          "search winner",
          per.map((m) => (m?.search ? m.search.candidates[m.search.best]?.label : undefined)),
        ),
      );
    const metrics = union(per.map((m) => m?.metrics.map((x) => x.name) ?? [])).map((metric) => ({
      ...row(
        metric,
        per.map((m) => {
          const found = m?.metrics.find((x) => x.name === metric);
          return found === undefined ? undefined : found.value === null ? "n/a" : String(Number(found.value.toPrecision(4)));
        }),
      ),
      gated: per.some((m) => m?.metrics.find((x) => x.name === metric)?.gated),
    }));
    sections.push({ title: `Model ${name}: trainer`, rows: trainer }, { title: `Model ${name}: metrics on the test split`, rows: metrics });
  }
  // a row no run has a value for (no git commit anywhere) says nothing
  for (const section of sections) section.rows = section.rows.filter((r) => r.values.some((v) => v !== undefined));
  return sections.filter((s) => s.rows.length > 0);
}

function factRows(runs: RunView[]): ComparedRow[] {
  const duration = row(
    "duration",
    runs.map((v) => (v.durationMs === null ? undefined : `${(v.durationMs / 1000).toFixed(1)}s`)),
  );
  return [
    row(
      "status",
      runs.map((v) => v.run.status),
      "status",
    ),
    row(
      "pipeline",
      runs.map((v) => v.run.pipeline ?? "-"),
    ),
    row(
      "env",
      runs.map((v) => v.run.env ?? "(defaults)"),
    ),
    // when and how long always differ: not worth a mark
    {
      ...row(
        "started",
        runs.map((v) => v.run.startedAt.replace("T", " ").slice(0, 19)),
      ),
      differs: false,
    },
    { ...duration, differs: false },
    row(
      "plan",
      runs.map((v) => v.run.planHash),
      "hash",
    ),
    row(
      "commit",
      runs.map((v) =>
        v.run.context?.git ? `${v.run.context.git.commit.slice(0, 12)}${v.run.context.git.dirty ? " (dirty)" : ""}` : undefined,
      ),
    ),
    row(
      "tool",
      runs.map((v) => (v.run.context ? `${v.run.context.tool.name} ${v.run.context.tool.version}` : undefined)),
    ),
  ];
}

function row(label: string, values: Array<string | undefined>, kind: CellKind = "text"): ComparedRow {
  return { label, kind, values, differs: new Set(values).size > 1 };
}

function json(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === "string" ? value : JSON.stringify(value);
}

export function union<T>(lists: T[][]): T[] {
  const out: T[] = [];
  for (const list of lists) for (const x of list) if (!out.includes(x)) out.push(x);
  return out;
}
