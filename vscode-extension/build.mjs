// Bundles the extension client and the language server into dist/ and ships the
// .mlops standard library beside the server (it resolves `import std.NAME` from
// `<dir of server.js>/stdlib/std`).
import { build } from "esbuild";
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "dist");
const serverEntry = join(here, "..", "language-server", "src", "server.ts");
const stdlibSource = join(here, "..", "stdlib", "std");
const stdlibTarget = join(dist, "stdlib", "std");

/** The server is ESM source bundled to CommonJS: give `import.meta` a CommonJS meaning. */
const importMetaShim = {
  banner: { js: 'const __importMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
  define: {
    "import.meta.url": "__importMetaUrl",
    "import.meta.dirname": "__dirname",
    "import.meta.filename": "__filename",
  },
};

const common = {
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  sourcemap: false,
  logLevel: "warning",
};

function requireServerSource() {
  if (!existsSync(serverEntry)) {
    console.error(
      `build failed: the language server entry ${relative(process.cwd(), serverEntry)} does not exist.\n` +
        "The extension bundles it into dist/server.js; write language-server/src/server.ts first.",
    );
    process.exit(1);
  }
}

async function buildExtension() {
  await build({
    ...common,
    entryPoints: [join(here, "src", "extension.ts")],
    outfile: join(dist, "extension.js"),
    external: ["vscode"],
  });
}

async function buildServer() {
  await build({
    ...common,
    ...importMetaShim,
    entryPoints: [serverEntry],
    outfile: join(dist, "server.js"),
    conditions: ["source"],
    mainFields: ["main", "module"],
  });
}

/** Copies stdlib/std/*.mlops; returns how many files were shipped. */
function copyStdlib() {
  mkdirSync(stdlibTarget, { recursive: true });
  if (!existsSync(stdlibSource)) {
    console.warn(`warning: ${relative(process.cwd(), stdlibSource)} does not exist; no stdlib modules shipped`);
    return 0;
  }
  const modules = readdirSync(stdlibSource).filter((name) => name.endsWith(".mlops"));
  for (const name of modules) cpSync(join(stdlibSource, name), join(stdlibTarget, name));
  return modules.length;
}

requireServerSource();
rmSync(dist, { recursive: true, force: true });
try {
  await buildExtension();
  await buildServer();
} catch {
  // esbuild has already printed each error with its location.
  console.error("build failed: see the esbuild errors above");
  process.exit(1);
}
const shipped = copyStdlib();
console.log(`built dist/extension.js, dist/server.js and ${shipped} stdlib module(s) in dist/stdlib/std`);
