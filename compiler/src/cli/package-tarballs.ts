/**
 * The toolchain packages the rendered Dockerfile installs: `npm pack` of @mlops/compiler and
 * @mlops/runtime into `packages/`, and the `package-lock.json` that pins their dependencies, so
 * the image builds from its context alone (`npm ci`), with the versions this toolchain was tested
 * with when it runs from its repository (its lock seeds the image's).
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { compilerPackageDir } from "../node/package-dir.js";
import { dirname, join } from "node:path";

/** The folder of an installed package: the nearest package.json above its resolved entry point. */
function packageDir(entry: string, name: string): string {
  let dir = dirname(entry);
  while (dir !== dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === name) return dir;
    dir = dirname(dir);
  }
  throw new Error(`cannot find the folder of ${name} above ${entry}`);
}

function npm(args: string[], cwd: string): void {
  const result = spawnSync("npm", args, { cwd, encoding: "utf8", env: { ...process.env, npm_config_update_notifier: "false" } });
  if (result.status !== 0) throw new Error(`npm ${args.join(" ")} failed (${result.status ?? result.error?.message}):\n${result.stderr}`);
}

/** The repository's package-lock.json when this toolchain runs from its workspace, else undefined. */
function workspaceLock(compilerDir: string): string | undefined {
  const root = dirname(compilerDir);
  const lock = join(root, "package-lock.json");
  return existsSync(lock) && existsSync(join(root, "runtime", "package.json")) ? lock : undefined;
}

/** Writes `packages/*.tgz` and `package-lock.json` into `outDir`, which already holds the image's package.json. */
export function writeImagePackages(outDir: string): string[] {
  const require = createRequire(import.meta.url);
  const compilerDir = compilerPackageDir();
  const runtimeDir = packageDir(require.resolve("@mlops/runtime"), "@mlops/runtime");
  const packages = join(outDir, "packages");
  mkdirSync(packages, { recursive: true });
  npm(["pack", compilerDir, runtimeDir, "--pack-destination", packages, "--silent"], outDir);
  const wanted = Object.values(
    (JSON.parse(readFileSync(join(outDir, "package.json"), "utf8")) as { dependencies: Record<string, string> }).dependencies,
  );
  for (const spec of wanted) {
    if (!existsSync(join(outDir, spec.replace(/^file:/, ""))))
      throw new Error(
        `the plan was built by another mlops version than this one (${spec} was not packed); rebuild the plan with this mlops`,
      );
  }
  const seed = workspaceLock(compilerDir);
  if (seed) copyFileSync(seed, join(outDir, "package-lock.json"));
  npm(["install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund", "--prefer-offline"], outDir);
  return [join(outDir, "package-lock.json"), ...readdirSync(packages).map((name) => join(packages, name))];
}
