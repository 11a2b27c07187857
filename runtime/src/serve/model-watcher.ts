/**
 * Keeps the served version equal to what the alias points at, by polling the registry every
 * `intervalMs` (polling works the same on SQLite and PostgreSQL; a file watch would not). When the
 * alias moves, the new version is loaded and warmed beside the old one, then swapped in; requests
 * already holding the old version finish on it, and it is released after the last one. A version
 * that fails to load is logged and retried only after `retryMs` (the old version keeps serving).
 */
import type { ModelVersion } from "../store/model-registry.js";
import { ModelLoadError, type LoadedModel, type ServingStores, type ServingTarget } from "./model-loader.js";
import type { ModelSlot } from "./serving-state.js";

export interface WatchEvents {
  /** A version was loaded and is now served (`previous` null on the first load). */
  served(model: LoadedModel, previous: LoadedModel | null): void;
  /** A version could not be loaded (or the alias points nowhere); `serving` is what still serves. */
  failed(message: string, serving: LoadedModel | null): void;
}

export class ModelWatcher {
  private timer: NodeJS.Timeout | null = null;
  private checking: Promise<void> | null = null;
  private lastFailure: { key: string; at: number } | null = null;
  private stopped = false;
  private readonly retiring = new Set<Promise<void>>();

  constructor(
    private readonly target: ServingTarget,
    private readonly stores: ServingStores,
    private readonly slot: ModelSlot,
    private readonly load: (version: ModelVersion) => Promise<LoadedModel>,
    private readonly events: WatchEvents,
    private readonly options: { intervalMs: number; retryMs: number; now?: () => number },
  ) {}

  /** Loads the version the alias points at now, then keeps polling. */
  async start(): Promise<void> {
    await this.check();
    if (!this.stopped) this.timer = setInterval(() => void this.check(), this.options.intervalMs);
  }

  /** Stops polling; waits for a check (and a load) in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.checking;
    await Promise.all(this.retiring);
  }

  /** One poll: resolve the alias and switch when it points at another version. */
  check(): Promise<void> {
    this.checking ??= this.checkOnce().finally(() => {
      this.checking = null;
    });
    return this.checking;
  }

  private async checkOnce(): Promise<void> {
    const { model, alias } = { model: this.target.model.name, alias: this.target.alias };
    let version: ModelVersion | null;
    try {
      version = await this.stores.resolveAlias(model, alias);
    } catch (error) {
      this.fail(`registry`, `cannot read alias ${alias} of ${model} from the registry: ${(error as Error).message}`);
      return;
    }
    const current = this.slot.current;
    if (!version) {
      if (!current)
        this.fail(
          `none`,
          `model ${model} has no version with alias ${alias} (run \`mlops run\` to train and register it${alias === "production" ? "" : `, or set the alias with \`mlops models promote ${model} N --alias ${alias}\``})`,
        );
      return;
    }
    if (current && sameVersion(current.version, version)) return;
    const key = `${version.version}:${version.artifactHash}:${version.featuresHash}`;
    const now = (this.options.now ?? Date.now)();
    if (this.lastFailure?.key === key && now - this.lastFailure.at < this.options.retryMs) return;
    let loaded: LoadedModel;
    try {
      loaded = await this.load(version);
    } catch (error) {
      const message = error instanceof ModelLoadError ? error.message : `${model} v${version.version}: ${(error as Error).message}`;
      this.lastFailure = { key, at: now };
      this.events.failed(`cannot serve ${message}`, this.slot.current);
      if (!this.slot.current) this.slot.setReason(`cannot serve ${message}`);
      return;
    }
    if (this.stopped) {
      await loaded.retire();
      return;
    }
    this.lastFailure = null;
    const previous = this.slot.swap(loaded);
    this.events.served(loaded, previous);
    if (previous) {
      const retired = previous.retire().finally(() => this.retiring.delete(retired));
      this.retiring.add(retired);
    }
  }

  private fail(key: string, message: string): void {
    const now = (this.options.now ?? Date.now)();
    const repeated = this.lastFailure?.key === key && now - this.lastFailure.at < this.options.retryMs;
    if (!repeated) {
      this.lastFailure = { key, at: now };
      this.events.failed(message, this.slot.current);
    }
    if (!this.slot.current) this.slot.setReason(message);
  }
}

function sameVersion(a: ModelVersion, b: ModelVersion): boolean {
  return a.version === b.version && a.artifactHash === b.artifactHash && a.featuresHash === b.featuresHash;
}
