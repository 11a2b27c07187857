/** The executable entry: `node server.js --stdio`; the same file runs the diagnostics worker thread. */
import { fileURLToPath } from "node:url";
import { isMainThread, workerData } from "node:worker_threads";
import { createConnection, ProposedFeatures } from "vscode-languageserver/node";
import { runDiagnosticsWorker, WorkerDiagnostics, WORKER_ROLE, type WorkerData } from "./diagnostics-worker.js";
import { findStdlibDir, NodeFiles } from "./node-files.js";
import { startServer } from "./start.js";

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
  const stdlibDir = findStdlibDir(script);
  startServer(createConnection(ProposedFeatures.all), {
    files: new NodeFiles(stdlibDir),
    startDiagnosticsWorker: (workspace, fallback, log) => WorkerDiagnostics.start(script, stdlibDir, workspace, fallback, log),
  });
}
