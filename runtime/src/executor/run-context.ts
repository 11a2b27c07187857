/**
 * What reproduces a run, recorded with it: the env and its resolved params, the plan and source
 * hashes, the data each source read, every model's trainer (hyperparameters, search candidates),
 * the git commit and whether the work tree was dirty (when the project is in a git repository),
 * and the tool that ran it.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { platform } from "node:os";
import type { Plan } from "@mlops/compiler";
import { VERSION } from "@mlops/compiler/core";
import type { RunContext } from "../store/metadata-store.js";

export async function runContext(
  plan: Plan,
  planHash: string,
  dataHashes: Record<string, string>,
  git: Promise<RunContext["git"]>,
): Promise<RunContext> {
  return {
    env: plan.env,
    params: Object.fromEntries(Object.entries(plan.params).map(([name, p]) => [name, p.value])),
    planHash,
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
    git: await git,
    tool: { name: "mlops", version: VERSION, node: process.version, platform: `${platform()}-${process.arch}` },
  };
}

/** The project's git commit, dirty flag and branch; null outside a git work tree (then no git process is started). */
export async function gitState(dir: string): Promise<RunContext["git"]> {
  if (!insideGitWorkTree(dir)) return null;
  const [commit, status, branch] = await Promise.all([
    git(dir, ["rev-parse", "--verify", "HEAD"]),
    git(dir, ["status", "--porcelain", "--untracked-files=no", "--", "."]),
    git(dir, ["symbolic-ref", "--quiet", "--short", "HEAD"]),
  ]);
  if (!commit) return null;
  return { commit, dirty: status !== undefined && status !== "", branch: branch || null };
}

function insideGitWorkTree(dir: string): boolean {
  for (let at = resolve(dir); ; at = dirname(at)) {
    if (existsSync(join(at, ".git"))) return true;
    if (dirname(at) === at) return process.env.GIT_DIR !== undefined;
  }
}

/**
 * `git ARGS` in `dir`, trimmed; undefined when git is missing, fails or takes over 5 s.
 * node:child_process is imported here, not above: loading it costs a run outside git ~20 ms.
 */
async function git(dir: string, args: string[]): Promise<string | undefined> {
  const { execFile } = await import("node:child_process");
  return new Promise((resolve) => {
    execFile("git", args, { cwd: dir, timeout: 5000, env: { ...process.env, GIT_OPTIONAL_LOCKS: "0" } }, (error, stdout) =>
      resolve(error ? undefined : stdout.trim()),
    );
  });
}
