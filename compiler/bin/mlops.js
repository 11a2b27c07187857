#!/usr/bin/env node
import { statSync } from "node:fs";

// The reader went away (`mlops check … | head -1`): stop quietly with the status a process
// killed by SIGPIPE has, instead of an unhandled EPIPE stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error) => {
    if (error.code === "EPIPE") process.exit(141);
    throw error;
  });
}

process.exitCode = await (await cli())(process.argv.slice(2));

/**
 * The bundled CLI (`@mlops/runtime/bundle`, made by `npm run build`: a few files to load instead of
 * ~100 modules) while it is at least as new as both packages' builds; else the compiler's `dist/`
 * (after a bare `tsc -b`, without the runtime, or with MLOPS_BUNDLE=off).
 */
async function cli() {
  const bundle = process.env.MLOPS_BUNDLE === "off" ? undefined : freshBundle();
  if (bundle) return (await import(bundle)).runCli;
  return (await import("../dist/cli/main.js")).main;
}

function freshBundle() {
  let entry;
  try {
    entry = new URL(import.meta.resolve("@mlops/runtime/bundle"));
  } catch {
    return undefined;
  }
  const built = modified(entry);
  const builds = [new URL("../tsconfig.tsbuildinfo", import.meta.url), new URL("../../tsconfig.tsbuildinfo", entry)];
  return built !== undefined && builds.every((info) => (modified(info) ?? 0) <= built) ? entry.href : undefined;
}

function modified(url) {
  try {
    return statSync(url).mtimeMs;
  } catch {
    return undefined;
  }
}
