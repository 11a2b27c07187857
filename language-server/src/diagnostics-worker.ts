/**
 * Diagnostics are computed in a worker thread with its own Program, so a slow
 * check never blocks completion, hover or any other request: the main thread
 * sends the texts that changed, the worker answers with the compilation's
 * diagnostics and the document versions it checked.
 */
import { parentPort, Worker } from "node:worker_threads";
import type { Diagnostic } from "@mlops/compiler";
import { Analysis } from "./analysis.js";
import type { CheckResult, DiagnosticsSource, DiagnosticsWorker } from "./diagnostics-scheduler.js";
import { NodeFiles } from "./node-files.js";
import type { Logger } from "./util/handler.js";
import { Workspace } from "./workspace.js";

export const WORKER_ROLE = "mlops-diagnostics";

export interface WorkerData {
  role: typeof WORKER_ROLE;
  stdlibDir: string | undefined;
}

interface DocumentUpdate {
  uri: string;
  version: number;
  /** Null when the document was closed. */
  text: string | null;
}

type ToWorker =
  | { type: "folder"; path: string }
  | { type: "disk"; uri: string; deleted: boolean }
  | { type: "check"; id: number; documents: DocumentUpdate[] };

type FromWorker =
  | { type: "result"; id: number; diagnostics: Array<[string, Diagnostic[]]>; versions: Array<[string, number]> }
  | { type: "error"; id: number; message: string };

/** The main thread's side: mirrors open documents into the worker and asks it to check. */
export class WorkerDiagnostics implements DiagnosticsWorker {
  private readonly dirty = new Set<string>();
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (r: CheckResult) => void; reject: (e: Error) => void }>();
  private failed: Error | undefined;

  private constructor(
    private readonly worker: Worker,
    private readonly workspace: Workspace,
    private readonly fallback: DiagnosticsSource,
    private readonly log: Logger,
  ) {
    workspace.onDidChange((path) => this.dirty.add(path));
    worker.on("message", (message: FromWorker) => {
      const waiter = this.waiting.get(message.id);
      if (!waiter) return;
      this.waiting.delete(message.id);
      if (message.type === "error") waiter.reject(new Error(message.message));
      else waiter.resolve({ diagnostics: new Map(message.diagnostics), versions: new Map(message.versions) });
    });
    const stop = (error: Error): void => {
      this.failed ??= error;
      for (const waiter of this.waiting.values()) waiter.reject(error);
      this.waiting.clear();
    };
    worker.on("error", (error) => {
      this.log(`[mlops] diagnostics worker failed, checking in-process from now on: ${error.stack ?? error.message}`);
      stop(error);
    });
    worker.on("exit", (code) => stop(new Error(`diagnostics worker exited with code ${code}`)));
    worker.unref();
  }

  static start(
    script: string,
    stdlibDir: string | undefined,
    workspace: Workspace,
    fallback: DiagnosticsSource,
    log: Logger,
  ): WorkerDiagnostics | undefined {
    try {
      const data: WorkerData = { role: WORKER_ROLE, stdlibDir };
      return new WorkerDiagnostics(
        new Worker(script, { workerData: data, argv: [], stdout: false, stderr: false }),
        workspace,
        fallback,
        log,
      );
    } catch (error) {
      log(`[mlops] no diagnostics worker (${error instanceof Error ? error.message : String(error)}); checking in-process`);
      return undefined;
    }
  }

  addFolder(path: string): void {
    this.post({ type: "folder", path });
  }

  diskChanged(uri: string, deleted: boolean): void {
    this.post({ type: "disk", uri, deleted });
  }

  async check(): Promise<CheckResult> {
    if (this.failed) return this.fallback.check();
    const documents: DocumentUpdate[] = [];
    for (const path of this.dirty) {
      const uri = this.workspace.uriOf(path);
      const open = this.workspace.isOpen(path);
      documents.push({ uri, version: this.workspace.documentVersion(path) ?? 0, text: open ? (this.workspace.text(path) ?? null) : null });
    }
    this.dirty.clear();
    const id = this.nextId++;
    const result = new Promise<CheckResult>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    this.post({ type: "check", id, documents });
    try {
      return await result;
    } catch {
      return this.fallback.check();
    }
  }

  dispose(): void {
    void this.worker.terminate();
  }

  private post(message: ToWorker): void {
    try {
      this.worker.postMessage(message);
    } catch (error) {
      this.failed ??= error instanceof Error ? error : new Error(String(error));
    }
  }
}

/** The worker thread's side: its own workspace and programs, checked on request. */
export function runDiagnosticsWorker(data: WorkerData): void {
  const port = parentPort;
  if (!port) return;
  const workspace = new Workspace(new NodeFiles(data.stdlibDir));
  const analysis = new Analysis(workspace);
  port.on("message", (message: ToWorker) => {
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
            if (doc.text === null) workspace.closeDocument(doc.uri);
            else workspace.openDocument(doc.uri, doc.version, doc.text);
          }
          const diagnostics = analysis.diagnostics();
          const versions: Array<[string, number]> = workspace.openPaths().map((path) => [path, workspace.documentVersion(path)!]);
          port.postMessage({ type: "result", id: message.id, diagnostics: [...diagnostics], versions } satisfies FromWorker);
        } catch (error) {
          port.postMessage({
            type: "error",
            id: message.id,
            message: error instanceof Error ? (error.stack ?? error.message) : String(error),
          } satisfies FromWorker);
        }
        break;
      }
    }
  });
}
