import type { Connection } from "vscode-languageserver";
import type { Diagnostic } from "@mlops/compiler";
import { toLspDiagnostic } from "./features/diagnostics.js";
import type { Logger } from "./util/handler.js";

/** The diagnostics of a check and the document versions it saw. */
export interface CheckResult {
  /** Diagnostics of every file that should show some (files absent from the map show none). */
  diagnostics: Map<string, Diagnostic[]>;
  versions: Map<string, number>;
}

export interface DiagnosticsSource {
  check(): Promise<CheckResult>;
}

/** Checks somewhere else (a Node worker thread) with its own copy of the workspace folders. */
export interface DiagnosticsWorker extends DiagnosticsSource {
  addFolder(path: string): void;
  diskChanged(uri: string, deleted: boolean): void;
  dispose(): void;
}

/**
 * Pushes diagnostics after changes. Throttled rather than purely debounced:
 * the first change after a quiet moment is checked almost at once
 * (`firstDelay`), changes that keep coming are coalesced into at most one
 * check per `interval` ms, one check runs at a time, and the last check
 * always sees the latest text.
 */
export class DiagnosticsScheduler {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastRun = -Infinity;
  private running = false;
  private pending = false;
  private readonly published = new Map<string, string>();

  constructor(
    private readonly connection: Connection,
    private readonly source: DiagnosticsSource,
    private readonly uriOf: (path: string) => string,
    private readonly log: Logger,
    private readonly interval = 30,
    private readonly firstDelay = 2,
  ) {}

  schedule(): void {
    if (this.running) {
      this.pending = true;
      return;
    }
    if (this.timer) return;
    const wait = Math.max(this.firstDelay, this.lastRun + this.interval - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.lastRun = Date.now();
      void this.run();
    }, wait);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
  }

  /** Checks now and publishes what changed since the last push. */
  async run(): Promise<void> {
    this.running = true;
    this.pending = false;
    try {
      this.publish(await this.source.check());
    } catch (error) {
      this.log(`[mlops] check failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    } finally {
      this.running = false;
      if (this.pending) this.schedule();
    }
  }

  private publish({ diagnostics: current, versions }: CheckResult): void {
    for (const [path, key] of this.published) {
      if (current.has(path)) continue;
      this.published.delete(path);
      if (key.startsWith("[]")) continue;
      void this.connection.sendDiagnostics({ uri: this.uriOf(path), diagnostics: [] }).catch(() => undefined);
    }
    for (const [path, diagnostics] of current) {
      const lsp = diagnostics.map(toLspDiagnostic);
      const version = versions.get(path);
      const key = `${JSON.stringify(lsp)}@${version ?? ""}`;
      if (this.published.get(path) === key) continue;
      this.published.set(path, key);
      void this.connection.sendDiagnostics({ uri: this.uriOf(path), version, diagnostics: lsp }).catch(() => undefined);
    }
  }
}
