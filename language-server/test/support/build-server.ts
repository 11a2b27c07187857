import { mkdtempSync, mkdirSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const packageDir = fileURLToPath(new URL("../..", import.meta.url));
export const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));

/**
 * Bundles `src/server.ts` the way the extension ships it (one file, the
 * compiler's TypeScript sources through the "source" condition, the standard
 * library in `stdlib/std` beside it) into a fresh temp folder; returns the path.
 */
export async function buildServer(format: "esm" | "cjs" = "esm"): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "mlops-ls-"));
  const outfile = join(dir, format === "esm" ? "server.mjs" : "server.js");
  await build({
    entryPoints: [join(packageDir, "src/server.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format,
    target: "node20",
    conditions: ["source"],
    sourcemap: "inline",
    logLevel: "error",
    ...(format === "esm"
      ? {
          banner: {
            js: 'import { createRequire as __mlopsCreateRequire } from "node:module"; const require = __mlopsCreateRequire(import.meta.url);',
          },
        }
      : {
          // what the VS Code extension's build does: CommonJS with `import.meta.url` shimmed
          banner: { js: 'const __importMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
          define: { "import.meta.url": "__importMetaUrl" },
          mainFields: ["main", "module"],
        }),
  });
  mkdirSync(join(dir, "stdlib"));
  symlinkSync(join(repoRoot, "stdlib/std"), join(dir, "stdlib/std"), "dir");
  return outfile;
}
