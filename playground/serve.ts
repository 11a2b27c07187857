/**
 * `npm run playground`: serves the built playground (`dist/`) on 127.0.0.1 and
 * prints its address. `--port N` (default 5170; 0 picks a free port).
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { serveStatic } from "./src/serve/static-server.js";

const dist = join(dirname(fileURLToPath(import.meta.url)), "dist");

function portArgument(args: string[]): number {
  const index = args.indexOf("--port");
  const value = index >= 0 ? args[index + 1] : process.env.PORT;
  if (value === undefined) return 5170;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port wants a number from 0 to 65535, not ${JSON.stringify(value)}`);
    process.exit(2);
  }
  return port;
}

if (!existsSync(join(dist, "index.html"))) {
  console.error("The playground is not built: run `npm run build -w playground` first (`npm run playground` does both).");
  process.exit(1);
}
try {
  const server = await serveStatic(dist, portArgument(process.argv.slice(2)));
  console.log(`Playground: ${server.url}  (Ctrl+C stops it)`);
  const stop = (): void => void server.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  console.error(code === "EADDRINUSE" ? "That port is taken: pass another with --port N." : `cannot serve: ${String(error)}`);
  process.exit(1);
}
