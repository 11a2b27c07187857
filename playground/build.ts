/**
 * `npm run build -w playground`: bundles the playground into `dist/`, a folder
 * any static host can serve (nothing is fetched from elsewhere at run time).
 *
 *   index.html, main.js + main.css (the page: Monaco, the LSP client, panes)
 *   language-worker.js            (the language server, in a Web Worker)
 *   editor.worker.js              (Monaco's own worker: diffs, word ranges)
 *   onig.wasm                     (the regex engine of the TextMate grammar)
 *
 * The examples' and the standard library's `.mlops` files are read here and
 * bundled as the module `playground:content`.
 */
import { build, type BuildOptions as EsbuildOptions, type Plugin } from "esbuild";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..");
const require = createRequire(import.meta.url);

export interface PlaygroundContent {
  examples: Array<{ name: string; files: Record<string, string> }>;
  stdlib: Record<string, string>;
}

/** The names of the `.mlops` source files in `dir`, sorted (not the `.mlops/` store folder a run leaves behind). */
function mlopsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".mlops"))
    .map((entry) => entry.name)
    .sort();
}

/** The `.mlops` files of every example folder and of the standard library. */
export function readContent(): PlaygroundContent {
  const examplesDir = join(repo, "examples");
  const examples = readdirSync(examplesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => {
      const files: Record<string, string> = {};
      for (const name of mlopsFiles(join(examplesDir, entry.name))) files[name] = readFileSync(join(examplesDir, entry.name, name), "utf8");
      return { name: entry.name, files };
    })
    .filter((example) => Object.keys(example.files).length > 0)
    .sort((a, b) => a.name.localeCompare(b.name));
  const stdlibDir = join(repo, "stdlib", "std");
  const stdlib: Record<string, string> = {};
  for (const name of mlopsFiles(stdlibDir)) stdlib[name.slice(0, -".mlops".length)] = readFileSync(join(stdlibDir, name), "utf8");
  return { examples, stdlib };
}

/**
 * Monaco's editor features (hover, suggest, rename, find, go to error...) as
 * `editor.main.js` imports them, without its language definitions and their
 * workers: the playground registers the few languages it shows.
 */
function monacoFeatures(): string {
  const main = require.resolve("monaco-editor/editor/editor.main.js");
  const imports = readFileSync(main, "utf8")
    .split("\n")
    .filter((line) => /^import '\.[^']*';$/.test(line) && !line.includes("/languages/"))
    .map((line) => `import ${JSON.stringify(join(dirname(main), line.slice("import '".length, -"';".length)))};`);
  if (imports.length < 40)
    throw new Error(`monaco-editor's editor.main.js no longer lists its features as expected (${imports.length} found)`);
  return imports.join("\n");
}

const contentPlugin: Plugin = {
  name: "playground-content",
  setup(b) {
    b.onResolve({ filter: /^playground:(content|monaco-features)$/ }, (args) => ({
      path: args.path.slice("playground:".length),
      namespace: "playground",
    }));
    b.onLoad({ filter: /^content$/, namespace: "playground" }, () => ({
      contents: `export default ${JSON.stringify(readContent())};`,
      loader: "js",
      watchDirs: [join(repo, "examples"), join(repo, "stdlib", "std")],
    }));
    b.onLoad({ filter: /^monaco-features$/, namespace: "playground" }, () => ({
      contents: monacoFeatures(),
      loader: "js",
      resolveDir: here,
    }));
  },
};

export interface BuildOptions {
  outDir?: string;
  minify?: boolean;
}

/** Builds the playground into `outDir` (default `playground/dist`); returns that folder. */
export async function buildPlayground(options: BuildOptions = {}): Promise<string> {
  const outDir = options.outDir ?? join(here, "dist");
  const minify = options.minify ?? true;
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const common: EsbuildOptions = {
    bundle: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    minify,
    sourcemap: false,
    logLevel: "warning",
    // workspace packages from their TypeScript sources, as the tests use them
    conditions: ["source"],
    define: { "process.env.NODE_ENV": '"production"' },
    plugins: [contentPlugin],
  };
  await Promise.all([
    build({
      ...common,
      entryPoints: { main: join(here, "src", "app", "main.ts") },
      outdir: outDir,
      loader: { ".ttf": "file" },
      assetNames: "[name]-[hash]",
    }),
    build({ ...common, entryPoints: { "language-worker": join(here, "src", "worker", "language-worker.ts") }, outdir: outDir }),
    build({ ...common, entryPoints: { "editor.worker": require.resolve("monaco-editor/editor/editor.worker.js") }, outdir: outDir }),
  ]);
  copyFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"), join(outDir, "onig.wasm"));
  copyFileSync(join(here, "static", "index.html"), join(outDir, "index.html"));
  return outDir;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const outDir = await buildPlayground();
    console.log(`built the playground into ${outDir}`);
  } catch (error) {
    console.error(`build failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
