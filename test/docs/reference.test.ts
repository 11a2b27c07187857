import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  AGGREGATES,
  BLOCK_FIELDS,
  DEFAULT_SEVERITY,
  DIAGNOSTIC_DESCRIPTIONS,
  DRIFT_METHODS,
  FEATURE_FUNCTIONS,
  METRICS,
  MONITOR_ACTIONS,
  MONITOR_SIGNALS,
  ROLLOUTS,
  TARGETS,
  TRAINERS,
  UNIT_DOCS,
  slotToString,
  type ConstructorSpec,
  type FieldSpec,
} from "@mlops/compiler";
import { repoRoot } from "../support/cli.js";

// docs/reference.md is generated from the checker's tables, so the reference
// can never drift from what the compiler accepts. After changing a table:
// `npx vitest run test/docs -u`.

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

function fieldTable(fields: readonly FieldSpec[]): string[] {
  if (fields.length === 0) return ["(no fields)"];
  return [
    "| field | type | required | default | meaning |",
    "|---|---|---|---|---|",
    ...fields.map(
      (f) =>
        `| \`${f.name}\` | ${cell(slotToString(f.slot))} | ${f.required ? "yes" : ""} | ${f.default ? `\`${cell(f.default)}\`` : ""} | ${cell(f.doc)} |`,
    ),
  ];
}

/**
 * A table for each record field (and record-list field) of `fields`, recursively, titled by its
 * path (`model.queue`, `pipeline.placement.tolerations[]`); a record whose fields were already
 * listed points to that table.
 */
function recordTables(prefix: string, fields: readonly FieldSpec[], seen: Map<readonly FieldSpec[], string>): string[] {
  const lines: string[] = [];
  for (const field of fields) {
    const slot = field.slot.kind === "list" ? field.slot.element : field.slot;
    if (slot.kind !== "record" || slot.fields.length === 0) continue;
    const path = `${prefix}.${field.name}${field.slot.kind === "list" ? "[]" : ""}`;
    const earlier = seen.get(slot.fields);
    lines.push(`#### \`${path}\``, "");
    if (earlier) {
      lines.push(`The fields of \`${earlier}\`.`, "");
      continue;
    }
    seen.set(slot.fields, path);
    lines.push(...fieldTable(slot.fields), "", ...recordTables(path, slot.fields, seen));
  }
  return lines;
}

function constructors(title: string, specs: Record<string, ConstructorSpec>): string[] {
  return [
    `## ${title}`,
    "",
    ...Object.entries(specs).flatMap(([name, spec]) => [
      `### \`${name} { ... }\``,
      "",
      spec.doc,
      "",
      ...fieldTable(spec.fields),
      "",
      ...recordTables(name, spec.fields, new Map()),
    ]),
  ];
}

export function referenceMarkdown(): string {
  const lines = [
    "# `.mlops` reference tables",
    "",
    "Generated from the compiler's own tables (`compiler/src/checker/schema.ts`, `catalog.ts`, `units.ts`) by `test/docs/reference.test.ts`; do not edit by hand. The language guide is [language.md](language.md).",
    "",
    "## Block fields",
    "",
  ];
  const seen = new Map<readonly FieldSpec[], string>();
  for (const [kind, fields] of Object.entries(BLOCK_FIELDS)) {
    if (kind === "env" || kind === "features") continue;
    lines.push(`### \`${kind}\``, "", ...fieldTable(fields), "", ...recordTables(kind, fields, seen));
  }
  lines.push(...constructors("Trainers", TRAINERS), ...constructors("Deployment targets", TARGETS), ...constructors("Rollouts", ROLLOUTS));
  lines.push("## Feature functions", "", "| function | signature | stateful | meaning |", "|---|---|---|---|");
  for (const [name, f] of Object.entries(FEATURE_FUNCTIONS))
    lines.push(`| \`${name}\` | \`${cell(f.signature)}\` | ${f.stateful ? "yes" : ""} | ${cell(f.doc)} |`);
  lines.push("", "## Dataset aggregates (in `expect`)", "", "| aggregate | signature | meaning |", "|---|---|---|");
  for (const [name, a] of Object.entries(AGGREGATES)) lines.push(`| \`${name}\` | \`${cell(a.signature)}\` | ${cell(a.doc)} |`);
  lines.push("", "## Gate metrics", "", "| metric | tasks | unit | better | meaning |", "|---|---|---|---|---|");
  for (const [name, m] of Object.entries(METRICS))
    lines.push(`| \`${name}\` | ${m.tasks.join(", ")} | ${m.unit} | ${m.better} | ${cell(m.doc)} |`);
  lines.push("", "## Drift methods", "", "| method | column types | drifts when | meaning |", "|---|---|---|---|");
  for (const [name, d] of Object.entries(DRIFT_METHODS)) {
    const types = [d.numeric ? "numeric" : "", d.categorical ? (d.twoValuedOnly ? "two-valued categorical" : "categorical") : ""]
      .filter(Boolean)
      .join(", ");
    lines.push(`| \`${name}\` | ${types} | ${d.driftsWhen} its threshold | ${cell(d.doc)} |`);
  }
  lines.push("", "## Monitor signals and actions", "", "| signal | type | meaning |", "|---|---|---|");
  for (const [name, s] of Object.entries(MONITOR_SIGNALS)) lines.push(`| \`${name}\` | ${s.type} | ${cell(s.doc)} |`);
  lines.push("", "| action | meaning |", "|---|---|");
  for (const [name, doc] of Object.entries(MONITOR_ACTIONS)) lines.push(`| \`${name}\` | ${cell(doc)} |`);
  lines.push("", "## Diagnostic ids", "", "Stable ids (CI configurations and editors key on them); the severity is the default.", "");
  lines.push("| id | severity | what |", "|---|---|---|");
  for (const [code, doc] of Object.entries(DIAGNOSTIC_DESCRIPTIONS))
    lines.push(`| \`${code}\` | ${DEFAULT_SEVERITY[code as keyof typeof DEFAULT_SEVERITY]} | ${cell(doc)} |`);
  lines.push("", "## Units", "");
  for (const [kind, units] of Object.entries(UNIT_DOCS))
    lines.push(
      `- **${kind}**: ${Object.entries(units)
        .map(([u, doc]) => `\`${u}\` ${doc}`)
        .join("; ")}`,
    );
  return `${lines.join("\n")}\n`;
}

describe("docs/reference.md", () => {
  it("matches the compiler's tables", async () => {
    await expect(referenceMarkdown()).toMatchFileSnapshot(join(repoRoot, "docs", "reference.md"));
  });
});
