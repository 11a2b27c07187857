import { parseArgs } from "node:util";
import type { Command } from "../command.js";
import { UsageError } from "../command.js";
import { planFromInput } from "../build-plan.js";
import { diffPlans, isEmptyDiff, type PlanDiff } from "../../plan/diff.js";
import { groupExecutionChanges } from "../../plan/diff-execution.js";

const usage = `usage: mlops diff OLD NEW [--format text|json] [--exit-code]
       mlops diff FILE|DIR --env A --env B

OLD and NEW are plan.json files or source trees. Reports params changed, gate
rules tightened or loosened, schema changes (breaking or compatible), features
added/removed/changed, deployment changes, how steps run (resources, retries,
timeout, placement, queue) and steps whose cache keys change.
With --exit-code: exit 1 when there are changes, 0 when there are none.`;

export const diffCommand: Command = {
  name: "diff",
  summary: "semantic diff of two plans, source trees or envs",
  usage,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        env: { type: "string", multiple: true },
        format: { type: "string", default: "text" },
        "exit-code": { type: "boolean", default: false },
      },
    });
    if (values.format !== "text" && values.format !== "json") throw new UsageError(`unknown format '${values.format}' (text or json)`);
    const envs = values.env ?? [];
    let sides: [string, string | undefined][];
    if (positionals.length === 1 && envs.length === 2)
      sides = [
        [positionals[0]!, envs[0]],
        [positionals[0]!, envs[1]],
      ];
    else if (positionals.length === 2 && envs.length <= 1)
      sides = [
        [positionals[0]!, envs[0]],
        [positionals[1]!, envs[0]],
      ];
    else throw new UsageError("give OLD and NEW, or one FILE|DIR with --env A --env B");
    const before = planFromInput(sides[0][0], sides[0][0].endsWith(".json") ? undefined : sides[0][1], io);
    const after = planFromInput(sides[1][0], sides[1][0].endsWith(".json") ? undefined : sides[1][1], io);
    if (!before || !after) return 1;
    const diff = diffPlans(before.plan, after.plan);
    if (values.format === "json") io.stdout(`${JSON.stringify(diff, null, 2)}\n`);
    else io.stdout(formatDiffText(diff, io.isTTY && io.env.NO_COLOR === undefined));
    return values["exit-code"] && !isEmptyDiff(diff) ? 1 : 0;
  },
};

/** `a, b, c` or, for many, the first three and how many more. */
function stepList(steps: string[]): string {
  return steps.length <= 3 ? steps.join(", ") : `${steps.slice(0, 3).join(", ")} and ${steps.length - 3} more steps`;
}

export function formatDiffText(diff: PlanDiff, color: boolean): string {
  if (isEmptyDiff(diff)) return "no semantic changes\n";
  const paint = (code: number, text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const red = (t: string) => paint(31, t);
  const green = (t: string) => paint(32, t);
  const yellow = (t: string) => paint(33, t);
  const bold = (t: string) => paint(1, t);
  const show = (v: unknown) => (v === undefined ? "(none)" : typeof v === "string" ? v : JSON.stringify(v));
  const lines: string[] = [];
  const section = (title: string, entries: string[]) => {
    if (entries.length > 0) lines.push(bold(title), ...entries.map((e) => `  ${e}`), "");
  };
  section(
    "params",
    diff.params.map((p) => `${p.param}: ${show(p.before)} → ${show(p.after)}`),
  );
  const effectLabel = (effect: "tightened" | "loosened" | "changed") =>
    effect === "loosened" ? red("LOOSENED ") : effect === "tightened" ? green("tightened") : yellow("changed  ");
  const beforeAfter = (c: { before?: string; after?: string }) =>
    c.before !== undefined && c.after !== undefined
      ? `: ${c.before} → ${c.after}`
      : c.before !== undefined
        ? `: removed (${c.before})`
        : `: added (${c.after})`;
  section(
    "gates",
    diff.gates.map((g) => `${effectLabel(g.effect)} gate ${g.gate}, ${g.rule}${beforeAfter(g)}`),
  );
  section(
    "schemas",
    diff.schemas.map((s) => `${s.effect === "breaking" ? red("BREAKING  ") : green("compatible")} ${s.source}.${s.column}: ${s.what}`),
  );
  section(
    "features",
    diff.features.map(
      (f) =>
        `${f.change === "removed" ? red("-") : f.change === "added" ? green("+") : yellow("~")} ${f.featureSet}.${f.feature} ${f.change}`,
    ),
  );
  section(
    "deployments",
    diff.deployments.map((d) => `${d.deployment}.${d.field}: ${show(d.before)} → ${show(d.after)}`),
  );
  section(
    "models",
    diff.models.map((m) => `${m.model}.${m.field}: ${show(m.before)} → ${show(m.after)}`),
  );
  section(
    "monitors",
    diff.monitors.map((m) => `${effectLabel(m.effect)} monitor ${m.monitor}, ${m.rule}${beforeAfter(m)}`),
  );
  section(
    "execution",
    groupExecutionChanges(diff.execution).map((c) => `${c.field}: ${show(c.before)} → ${show(c.after)} (${stepList(c.steps)})`),
  );
  section(
    "steps",
    diff.steps.map((s) => `${s.step}: ${s.change}`),
  );
  return `${lines.join("\n").trimEnd()}\n`;
}
