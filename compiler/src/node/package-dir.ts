import { createRequire } from "node:module";
import { dirname } from "node:path";

let compilerDir: string | undefined;

/**
 * The folder of the `@mlops/compiler` package, found by name rather than from this module's own
 * path, so the same code works from `dist/` and from the bundled CLI (`@mlops/runtime/bundle`).
 */
export function compilerPackageDir(): string {
  compilerDir ??= dirname(createRequire(import.meta.url).resolve("@mlops/compiler/package.json"));
  return compilerDir;
}
