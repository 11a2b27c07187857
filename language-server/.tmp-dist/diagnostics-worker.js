/**
 * Diagnostics are computed in a worker thread with its own Program, so a slow
 * check never blocks completion, hover or any other request: the main thread
 * sends the texts that changed, the worker answers with the compilation's
 * diagnostics and the document versions it checked.
 */
import { parentPort, Worker } from "node:worker_threads";
import { Analysis } from "./analysis.js";
import { Workspace } from "./workspace.js";
export const WORKER_ROLE = "mlops-diagnostics";
/** Checks in-process: the fallback when no worker can be started. */
export class InProcessDiagnostics {
    workspace;
    analysis;
    constructor(workspace, analysis) {
        this.workspace = workspace;
        this.analysis = analysis;
    }
    async check() {
        const diagnostics = this.analysis.diagnostics();
        const versions = new Map();
        for (const path of this.workspace.openPaths())
            versions.set(path, this.workspace.documentVersion(path));
        return { diagnostics, versions };
    }
}
/** The main thread's side: mirrors open documents into the worker and asks it to check. */
export class WorkerDiagnostics {
    worker;
    workspace;
    fallback;
    log;
    dirty = new Set();
    nextId = 1;
    waiting = new Map();
    failed;
    constructor(worker, workspace, fallback, log) {
        this.worker = worker;
        this.workspace = workspace;
        this.fallback = fallback;
        this.log = log;
        workspace.onDidChange((path) => this.dirty.add(path));
        worker.on("message", (message) => {
            const waiter = this.waiting.get(message.id);
            if (!waiter)
                return;
            this.waiting.delete(message.id);
            if (message.type === "error")
                waiter.reject(new Error(message.message));
            else
                waiter.resolve({ diagnostics: new Map(message.diagnostics), versions: new Map(message.versions) });
        });
        const stop = (error) => {
            this.failed ??= error;
            for (const waiter of this.waiting.values())
                waiter.reject(error);
            this.waiting.clear();
        };
        worker.on("error", (error) => {
            this.log(`[mlops] diagnostics worker failed, checking in-process from now on: ${error.stack ?? error.message}`);
            stop(error);
        });
        worker.on("exit", (code) => stop(new Error(`diagnostics worker exited with code ${code}`)));
        worker.unref();
    }
    static start(script, workspace, fallback, log) {
        try {
            const data = { role: WORKER_ROLE, stdlibDir: workspace.host.stdlibDir };
            return new WorkerDiagnostics(new Worker(script, { workerData: data, argv: [], stdout: false, stderr: false }), workspace, fallback, log);
        }
        catch (error) {
            log(`[mlops] no diagnostics worker (${error instanceof Error ? error.message : String(error)}); checking in-process`);
            return undefined;
        }
    }
    addFolder(path) {
        this.post({ type: "folder", path });
    }
    diskChanged(uri, deleted) {
        this.post({ type: "disk", uri, deleted });
    }
    async check() {
        if (this.failed)
            return this.fallback.check();
        const documents = [];
        for (const path of this.dirty) {
            const uri = this.workspace.uriOf(path);
            const open = this.workspace.isOpen(path);
            documents.push({ uri, version: this.workspace.documentVersion(path) ?? 0, text: open ? (this.workspace.text(path) ?? null) : null });
        }
        this.dirty.clear();
        const id = this.nextId++;
        const result = new Promise((resolve, reject) => this.waiting.set(id, { resolve, reject }));
        this.post({ type: "check", id, documents });
        try {
            return await result;
        }
        catch {
            return this.fallback.check();
        }
    }
    dispose() {
        void this.worker.terminate();
    }
    post(message) {
        try {
            this.worker.postMessage(message);
        }
        catch (error) {
            this.failed ??= error instanceof Error ? error : new Error(String(error));
        }
    }
}
/** The worker thread's side: its own workspace and programs, checked on request. */
export function runDiagnosticsWorker(data) {
    const port = parentPort;
    if (!port)
        return;
    const workspace = new Workspace(data.stdlibDir);
    const analysis = new Analysis(workspace);
    port.on("message", (message) => {
        switch (message.type) {
            case "folder":
                workspace.addFolder(message.path);
                break;
            case "disk":
                workspace.diskChanged(message.uri, message.deleted);
                break;
            case "check": {
                try {
                    for (const doc of message.documents) {
                        if (doc.text === null)
                            workspace.closeDocument(doc.uri);
                        else
                            workspace.openDocument(doc.uri, doc.version, doc.text);
                    }
                    const diagnostics = analysis.diagnostics();
                    const versions = workspace.openPaths().map((path) => [path, workspace.documentVersion(path)]);
                    port.postMessage({ type: "result", id: message.id, diagnostics: [...diagnostics], versions });
                }
                catch (error) {
                    port.postMessage({ type: "error", id: message.id, message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
                }
                break;
            }
        }
    });
}
