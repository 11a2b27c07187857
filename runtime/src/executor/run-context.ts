/**
 * What reproduces a run, recorded with it: the env and its resolved params, the plan and source
 * hashes, the data each source read, every model's trainer (hyperparameters, search candidates),
 * the git commit and whether the work tree was dirty (when the project is in a git repository),
 * and the tool that ran it.
 */
import { execFile } from "node:child_process";
import { platform } from "node:os";
import type { Plan } from "@mlops/compiler";
import { VERSION, planHash } from "@mlops/compiler";
import type { RunContext } from "../store/metadata-store.js";

export async function runContext(plan: Plan, projectRoot: string, dataHashes: Record<string, string>): Promise<RunContext> {
  return {
    env: plan.env,
    params: Object.fromEntries(Object.entries(plan.params).map(([name, p]) => [name, p.value])),
    planHash: planHash(plan),
    sourceHash: plan.sourceHash,
    data: dataHashes,
    models: Object.fromEntries(
      Object.values(plan.models).map((m) => [
        m.name,
        {
          task: m.task,
          trainer: m.trainer,
          ...(m.search
            ? {
                search: {
                  metric: m.search.metric,
                  better: m.search.better,
                  validation: m.search.validation,
                  candidates: m.search.candidates.length,
                },
              }
            : {}),
        },
      ]),
    ),
    git: await gitState(projectRoot),
    tool: { name: "mlops", version: VERSION, node: process.version, platform: `${platform()}-${process.arch}` },
  };
}

async function gitState(dir: string): Promise<RunContext["git"]> {
  const commit = await git(dir, ["rev-parse", "--verify", "HEAD"]);
  if (!commit) return null;
  const status = await git(dir, ["status", "--porcelain", "--untracked-files=no", "--", "."]);
  const branch = await git(dir, ["symbolic-ref", "--quiet", "--short", "HEAD"]);
  return { commit, dirty: status !== undefined && status !== "", branch: branch || null };
}

/** `git ARGS` in `dir`, trimmed; undefined when git is missing, fails or takes over 5 s. */
function git(dir: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile("git", args, { cwd: dir, timeout: 5000, env: { ...process.env, GIT_OPTIONAL_LOCKS: "0" } }, (error, stdout) =>
      resolve(error ? undefined : stdout.trim()),
    );
  });
}
