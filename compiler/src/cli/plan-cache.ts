import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CompilerHost } from "../host/host.js";
import { compilerPackageDir } from "../node/package-dir.js";
import type { Plan } from "../plan/types.js";
import { VERSION } from "../version.js";
import type { CompilationInput } from "./inputs.js";
import { answersUnchanged, fileStamp, readWithStamp, type HostQuestion } from "./recording-host.js";
import { writeFileAtomic } from "./write-atomic.js";

/**
 * The plan cache (`.mlops/plan-cache/`): a command that only needs a project's plan (`mlops run`,
 * `serve`, `monitor`, `rollout`, `run-step`) skips the compiler when the compiler build, the
 * options and every answer its host gave at the last compilation are still the same — like
 * `tsc --incremental`, but for the whole program. Only plans that compiled without errors and
 * passed the plan schema are stored. An entry is bound to this checkout by the exact stamps of the
 * files read (inode, device and ctime cannot be copied along with a repository), so a
 * `.mlops/plan-cache/` shipped inside a project is never used instead of its sources.
 * `MLOPS_PLAN_CACHE=off` turns it off.
 */
const FORMAT = 1;

interface PlanCacheKey {
  compiler: string;
  projectRoot: string;
  rootFiles: string[];
  env: string | null;
  allowRead: string[];
}

interface PlanCacheEntry {
  format: number;
  key: PlanCacheKey;
  recordedAtNs: string;
  questions: HostQuestion[];
  plan: Plan;
}

export class PlanCache {
  private constructor(
    private readonly key: PlanCacheKey,
    private readonly path: string,
  ) {}

  /** The cache for one compilation, or undefined when caching is off or there is no build to name. */
  static for(
    input: CompilationInput,
    env: string | undefined,
    options: { allowRead: readonly string[]; enabled: boolean },
  ): PlanCache | undefined {
    const compiler = compilerBuild();
    if (!options.enabled || compiler === undefined) return undefined;
    const key: PlanCacheKey = {
      compiler,
      projectRoot: input.projectRoot,
      rootFiles: input.rootFiles,
      env: env ?? null,
      allowRead: [...options.allowRead],
    };
    // One entry per project, env and read grant: a changed compiler or file list replaces it.
    const slot = { projectRoot: key.projectRoot, env: key.env, allowRead: key.allowRead };
    const name = createHash("sha256").update(JSON.stringify(slot)).digest("hex").slice(0, 32);
    return new PlanCache(key, join(input.projectRoot, ".mlops", "plan-cache", `${name}.json`));
  }

  /** The stored plan when `host` still answers every question as it did; undefined otherwise. */
  read(host: CompilerHost): Plan | undefined {
    try {
      const entry = JSON.parse(readFileSync(this.path, "utf8")) as PlanCacheEntry;
      if (entry.format !== FORMAT || JSON.stringify(entry.key) !== JSON.stringify(this.key)) return undefined;
      // every root file must have been read here, stamp and all: an entry made elsewhere never is
      if (!this.key.rootFiles.every((file) => readWithStamp(entry.questions, file))) return undefined;
      return answersUnchanged(host, entry.questions, BigInt(entry.recordedAtNs)) ? entry.plan : undefined;
    } catch {
      // missing, unreadable or not an entry this code wrote: compile
      return undefined;
    }
  }

  /** Best effort: a project folder that cannot be written to is compiled every time. */
  write(plan: Plan, questions: HostQuestion[], recordedAtNs: bigint): void {
    const entry: PlanCacheEntry = { format: FORMAT, key: this.key, recordedAtNs: String(recordedAtNs), questions, plan };
    try {
      writeFileAtomic(this.path, JSON.stringify(entry));
    } catch {
      // read-only checkout or container image: nothing lost but the next start's time
    }
  }
}

/** Wall-clock now in nanoseconds, comparable with file modification times. */
export function nowNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

/**
 * Names the compiler's code: its version, plus — in a development tree — the stamp of the build
 * info `tsc -b` rewrites whenever it emits anything. Undefined when running from the TypeScript
 * sources (tests under vitest), where no build names the code.
 */
function compilerBuild(): string | undefined {
  const here = fileURLToPath(import.meta.url);
  if (!here.endsWith(".js")) return undefined;
  let buildInfo: ReturnType<typeof fileStamp> = null;
  try {
    buildInfo = fileStamp(join(compilerPackageDir(), "tsconfig.tsbuildinfo"));
  } catch {
    // the package cannot be found by name: its version alone names the code
  }
  return buildInfo ? `${VERSION}+${buildInfo.mtimeNs}.${buildInfo.size}.${buildInfo.ino}` : VERSION;
}
