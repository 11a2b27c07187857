import { parseArgs } from "node:util";
import { existsSync, readFileSync } from "node:fs";
import type { Command } from "../command.js";
import { buildPlanFromSources, lastBuildPath } from "../build-plan.js";
import { parsePlan } from "../../plan/schema-errors.js";
import { planSchemaValidator } from "../plan-schema-validator.js";
import type { Plan, Step } from "../../plan/types.js";

const usage = `usage: mlops plan [FILE|DIR] [--env NAME]

Prints the step DAG in order, what each step does, and which steps would
re-run compared with the last \`mlops build\` of the same project.`;

/** The compiler's own \`plan\`: compares with the last build. With the runtime installed, \`mlops plan\` compares with the stored cache instead. */
export const planCommand: Command = {
  name: "plan",
  summary: "show the step DAG and what would re-run",
  usage,
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { env: { type: "string" } } });
    const built = buildPlanFromSources(positionals[0] ?? ".", values.env, io);
    if (!built) return 1;
    io.stdout(describePlan(built.plan, lastBuildComparison(readLastBuild(built.projectRoot)), io.isTTY && io.env.NO_COLOR === undefined));
    return 0;
  },
};

/** The plan of the last \`mlops build\` of the project, if any. */
export function readLastBuild(projectRoot: string): Plan | undefined {
  const path = lastBuildPath(projectRoot);
  if (!existsSync(path)) return undefined;
  try {
    return parsePlan(readFileSync(path, "utf8"), path, planSchemaValidator());
  } catch {
    return undefined;
  }
}

/** `cached`: its outputs for these inputs are stored; `always`: not cacheable (registry state). */
export type PlanStepStatus = "new" | "changed" | "unchanged" | "cached" | "always";

/** What the plan is compared with: a line saying so, and each step's status against it. */
export interface PlanComparison {
  heading: string;
  statusOf(step: Step): PlanStepStatus;
}

export function lastBuildComparison(previous: Plan | undefined): PlanComparison {
  const keys = previous && new Map(previous.steps.map((s) => [s.id, s.cacheKey]));
  return {
    heading: previous ? "compared with the last build of this project" : "no earlier build of this project: every step would run",
    statusOf(step) {
      if (!step.cacheable) return "always";
      const key = keys?.get(step.id);
      return key === undefined ? "new" : key === step.cacheKey ? "unchanged" : "changed";
    },
  };
}

export function describePlan(plan: Plan, comparison: PlanComparison, color: boolean): string {
  const paint = (code: number, text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const marks: Record<PlanStepStatus, string> = {
    new: paint(32, "+ new       "),
    changed: paint(33, "~ re-run    "),
    unchanged: paint(2, "  unchanged "),
    cached: paint(2, "  cached    "),
    always: paint(36, "* always    "),
  };
  const lines = [`pipeline ${plan.pipeline.name}${plan.env ? ` (env ${plan.env})` : ""} — ${plan.steps.length} steps`];
  lines.push(comparison.heading);
  const groups = [...new Set(plan.steps.map((s) => s.group))];
  const counts: Record<PlanStepStatus, number> = { new: 0, changed: 0, unchanged: 0, cached: 0, always: 0 };
  for (const group of groups) {
    lines.push("", `${group}:`);
    for (const step of plan.steps.filter((s) => s.group === group)) {
      const status = comparison.statusOf(step);
      counts[status]++;
      const needs = step.needs.length > 0 ? `  ← ${step.needs.join(", ")}` : "";
      lines.push(`  ${marks[status]}${step.id.padEnd(28)} ${step.description}${paint(2, needs)}`);
    }
  }
  const kept = counts.cached > 0 ? `${counts.cached} cached` : `${counts.unchanged} unchanged`;
  lines.push(
    "",
    `${counts.new + counts.changed} to run (${counts.changed} changed), ${kept}, ${counts.always} that always run (registry state)`,
  );
  return `${lines.join("\n")}\n`;
}
