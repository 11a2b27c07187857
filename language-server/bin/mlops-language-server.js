#!/usr/bin/env node
// Starts the language server over stdio (the bundled dist/server.js).
import { fileURLToPath } from "node:url";

if (!process.argv.some((a) => a === "--stdio" || a.startsWith("--node-ipc") || a.startsWith("--socket") || a.startsWith("--pipe"))) {
  process.argv.push("--stdio");
}
process.argv[1] = fileURLToPath(new URL("../dist/server.js", import.meta.url));
await import("../dist/server.js");
