/** The executable entry: `node server.js --stdio`; the same file runs the diagnostics worker thread. */
import { fileURLToPath } from "node:url";
import { isMainThread, workerData } from "node:worker_threads";
import { createConnection, ProposedFeatures } from "vscode-languageserver/node";
import { runDiagnosticsWorker, WORKER_ROLE } from "./diagnostics-worker.js";
import { startServer } from "./start.js";
import { findStdlibDir } from "./util/fs-host.js";
process.on("uncaughtException", (error) => {
    process.stderr.write(`[mlops] uncaught: ${error.stack ?? error.message}\n`);
});
process.on("unhandledRejection", (error) => {
    process.stderr.write(`[mlops] unhandled rejection: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
});
if (!isMainThread && workerData?.role === WORKER_ROLE) {
    runDiagnosticsWorker(workerData);
}
else {
    const script = fileURLToPath(import.meta.url);
    startServer(createConnection(ProposedFeatures.all), { workerScript: script, stdlibDir: findStdlibDir(script) });
}
