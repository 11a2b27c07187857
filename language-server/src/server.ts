/** The executable entry: `node server.js --stdio`; the same file runs the diagnostics worker thread. */
import { fileURLToPath } from "node:url";
import { isMainThread, workerData } from "node:worker_threads";
import { createConnection, ProposedFeatures } from "vscode-languageserver/node";
import { runDiagnosticsWorker, WORKER_ROLE, type WorkerData } from "./diagnostics-worker.js";
import { startServer } from "./start.js";
import { findStdlibDir } from "./util/fs-host.js";

process.on("uncaughtException", (error) => {
  process.stderr.write(`[mlops] uncaught: ${error.stack ?? error.message}\n`);
});
process.on("unhandledRejection", (error) => {
  process.stderr.write(`[mlops] unhandled rejection: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
});

if (!isMainThread && (workerData as Partial<WorkerData> | undefined)?.role === WORKER_ROLE) {
  runDiagnosticsWorker(workerData as WorkerData);
} else {
  const script = fileURLToPath(import.meta.url);
  startServer(createConnection(ProposedFeatures.all), { workerScript: script, stdlibDir: findStdlibDir(script) });
}
