import { parseArgs } from "node:util";
import { existsSync, readFileSync } from "node:fs";
import type { Command } from "../command.js";
import { buildPlanFromSources, lastBuildPath } from "../build-plan.js";
import { loadPlan } from "../../plan/validate.js";
import type { Plan, Step } from "../../plan/types.js";

const usage = `usage: mlops plan [FILE|DIR] [--env NAME]

Prints the step DAG in order, what each step does, and which steps would
re-run compared with the last \`mlops build\` of the same project.`;

export const planCommand: Command = {
  name: "plan",
  summary: "show the step DAG and what would re-run",
  usage,
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { env: { type: "string" } } });
    const built = buildPlanFromSources(positionals[0] ?? ".", values.env, io);
    if (!built) return 1;
    const previous = readPrevious(lastBuildPath(built.projectRoot));
    io.stdout(describePlan(built.plan, previous, io.isTTY && io.env.NO_COLOR === undefined));
    return 0;
  },
};

function readPrevious(path: string): Plan | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return loadPlan(readFileSync(path, "utf8"), path);
  } catch {
    return undefined;
  }
}

type Status = "new" | "changed" | "unchanged" | "always";

function stepStatus(step: Step, previous: Map<string, string> | undefined): Status {
  if (!step.cacheable) return "always";
  if (!previous) return "new";
  const key = previous.get(step.id);
  return key === undefined ? "new" : key === step.cacheKey ? "unchanged" : "changed";
}

export function describePlan(plan: Plan, previous: Plan | undefined, color: boolean): string {
  const keys = previous && new Map(previous.steps.map((s) => [s.id, s.cacheKey]));
  const paint = (code: number, text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const marks: Record<Status, string> = {
    new: paint(32, "+ new       "),
    changed: paint(33, "~ re-run    "),
    unchanged: paint(2, "  unchanged "),
    always: paint(36, "* always    "),
  };
  const lines = [`pipeline ${plan.pipeline.name}${plan.env ? ` (env ${plan.env})` : ""} — ${plan.steps.length} steps`];
  lines.push(previous ? "compared with the last build of this project" : "no earlier build of this project: every step would run");
  const groups = [...new Set(plan.steps.map((s) => s.group))];
  const counts: Record<Status, number> = { new: 0, changed: 0, unchanged: 0, always: 0 };
  for (const group of groups) {
    lines.push("", `${group}:`);
    for (const step of plan.steps.filter((s) => s.group === group)) {
      const status = stepStatus(step, keys);
      counts[status]++;
      const needs = step.needs.length > 0 ? `  ← ${step.needs.join(", ")}` : "";
      lines.push(`  ${marks[status]}${step.id.padEnd(28)} ${step.description}${paint(2, needs)}`);
    }
  }
  lines.push(
    "",
    `${counts.new + counts.changed} to run (${counts.changed} changed), ${counts.unchanged} unchanged, ${counts.always} that always run (registry state)`,
  );
  return `${lines.join("\n")}\n`;
}
