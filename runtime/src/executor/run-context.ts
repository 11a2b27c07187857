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

/**
 * The project's git commit, dirty flag and branch; null outside a git work tree (then no git
 * process is started) and before the first commit. One `git status --porcelain=v2 --branch`
 * answers all three: its header names the commit and branch, and any entry below it means a
 * tracked file under the project changed.
 */
export async function gitState(dir: string): Promise<RunContext["git"]> {
  if (!insideGitWorkTree(dir)) return null;
  const status = await git(dir, ["status", "--porcelain=v2", "--branch", "--untracked-files=no", "--", "."]);
  if (status === undefined) return null;
  const lines = status.split("\n");
  const header = (name: string): string | undefined =>
    lines.find((line) => line.startsWith(`# branch.${name} `))?.slice(`# branch.${name} `.length);
  const commit = header("oid");
  if (!commit || !/^[0-9a-f]{40,64}$/.test(commit)) return null;
  const branch = header("head");
  return {
    commit,
    dirty: lines.some((line) => line !== "" && !line.startsWith("#")),
    branch: branch && branch !== "(detached)" ? branch : null,
  };
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
