import { toLspDiagnostic } from "./features/diagnostics.js";
/**
 * Pushes diagnostics after changes. Throttled rather than purely debounced:
 * the first change after a quiet moment is checked almost at once
 * (`firstDelay`), changes that keep coming are coalesced into at most one
 * check per `interval` ms, one check runs at a time, and the last check
 * always sees the latest text.
 */
export class DiagnosticsScheduler {
    connection;
    source;
    uriOf;
    log;
    interval;
    firstDelay;
    timer;
    lastRun = -Infinity;
    running = false;
    pending = false;
    published = new Map();
    constructor(connection, source, uriOf, log, interval = 150, firstDelay = 2) {
        this.connection = connection;
        this.source = source;
        this.uriOf = uriOf;
        this.log = log;
        this.interval = interval;
        this.firstDelay = firstDelay;
    }
    schedule() {
        if (this.running) {
            this.pending = true;
            return;
        }
        if (this.timer)
            return;
        const wait = Math.max(this.firstDelay, this.lastRun + this.interval - Date.now());
        this.timer = setTimeout(() => {
            this.timer = undefined;
            this.lastRun = Date.now();
            void this.run();
        }, wait);
    }
    dispose() {
        if (this.timer)
            clearTimeout(this.timer);
    }
    /** Checks now and publishes what changed since the last push. */
    async run() {
        this.running = true;
        this.pending = false;
        try {
            this.publish(await this.source.check());
        }
        catch (error) {
            this.log(`[mlops] check failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        }
        finally {
            this.running = false;
            if (this.pending)
                this.schedule();
        }
    }
    publish({ diagnostics: current, versions }) {
        for (const [path, key] of this.published) {
            if (current.has(path))
                continue;
            this.published.delete(path);
            if (key.startsWith("[]"))
                continue;
            void this.connection.sendDiagnostics({ uri: this.uriOf(path), diagnostics: [] }).catch(() => undefined);
        }
        for (const [path, diagnostics] of current) {
            const lsp = diagnostics.map(toLspDiagnostic);
            const version = versions.get(path);
            const key = `${JSON.stringify(lsp)}@${version ?? ""}`;
            if (this.published.get(path) === key)
                continue;
            this.published.set(path, key);
            void this.connection.sendDiagnostics({ uri: this.uriOf(path), version, diagnostics: lsp }).catch(() => undefined);
        }
    }
}
