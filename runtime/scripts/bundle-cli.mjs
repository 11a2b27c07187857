#!/usr/bin/env node
/**
 * Build step (after `tsc -b`): bundles the CLI — the compiler's `main` with the runtime's commands,
 * `dist/cli/bundle-main.js` — into `dist/bundle/` with esbuild. ESM with code splitting: every
 * lazily imported part (each command, the compiler behind the plan cache, the store clients) stays
 * its own chunk, loaded when used; npm packages stay in node_modules. A cached `mlops run` then
 * reads a handful of files instead of ~100 modules. The worker of a search's parallel fits is a
 * second entry (`fit-worker.js`, which `search/fit-pool.ts` finds next to its own code). Built in a
 * temp folder and renamed into place, so a reader never sees half a bundle.
 */
import { readFileSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const runtime = join(dirname(fileURLToPath(import.meta.url)), "..");
const compiler = dirname(createRequire(import.meta.url).resolve("@mlops/compiler/package.json"));
const dependencies = (dir) => Object.keys(JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).dependencies ?? {});
const external = [...dependencies(runtime), ...dependencies(compiler)]
  .filter((name) => !name.startsWith("@mlops/"))
  .flatMap((name) => [name, `${name}/*`]);

const out = join(runtime, "dist/bundle");
const temp = `${out}.${process.pid}.tmp`;
rmSync(temp, { recursive: true, force: true });
await build({
  entryPoints: {
    mlops: join(runtime, "dist/cli/bundle-main.js"),
    "fit-worker": join(runtime, "dist/search/fit-worker.js"),
  },
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  outdir: temp,
  external,
  logLevel: "warning",
});
rmSync(out, { recursive: true, force: true });
renameSync(temp, out);
