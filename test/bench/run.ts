/**
 * `npm run bench`: runs every benchmark in this folder in turn. Each prints the
 * project's figure beside a peer's measured in the same run, as a ratio.
 * A benchmark is a module `*.bench.ts` whose default export is an async function.
 */
import { readdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

const folder = fileURLToPath(new URL(".", import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(folder)
  .filter((name) => name.endsWith(".bench.ts"))
  .filter((name) => only.length === 0 || only.some((o) => name.includes(o)))
  .sort();

for (const file of files) {
  console.log(`\n=== ${file.replace(/\.bench\.ts$/, "")}`);
  const module = (await import(pathToFileURL(folder + file).href)) as { default: () => Promise<void> };
  await module.default();
}
