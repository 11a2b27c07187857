import { parseArgs } from "node:util";
import { resolve } from "node:path";
import type { Command } from "../command.js";
import { buildPlanFromSources, lastBuildPath, writeFileAtomic } from "../build-plan.js";
import { serializePlan } from "../../plan/emit.js";

const usage = `usage: mlops build [FILE|DIR] [--env NAME] [-o plan.json]

Compiles the program (default: the current directory) and writes its portable
plan: to the -o file (and nothing else), or to stdout (then also to
.mlops/last-build.json, which \`mlops plan\` compares with). Exit 1 with
diagnostics when the program has errors.`;

/** Best effort: `mlops plan` compares with it, but a read-only project must still build. */
function rememberBuild(projectRoot: string, json: string): void {
  try {
    writeFileAtomic(lastBuildPath(projectRoot), json);
  } catch {
    // no record of this build: `mlops plan` will say every step is new
  }
}

export const buildCommand: Command = {
  name: "build",
  summary: "compile to the portable plan (JSON)",
  usage,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { env: { type: "string" }, output: { type: "string", short: "o" } },
    });
    const built = buildPlanFromSources(positionals[0] ?? ".", values.env, io);
    if (!built) return 1;
    const json = serializePlan(built.plan);
    if (values.output) {
      // -o writes that file and nothing else: no `.mlops/` appears beside the sources
      writeFileAtomic(resolve(io.cwd, values.output), json);
      io.stderr(`wrote ${values.output} (${built.plan.steps.length} steps)\n`);
      return 0;
    }
    io.stdout(json);
    rememberBuild(built.projectRoot, json);
    return 0;
  },
};
