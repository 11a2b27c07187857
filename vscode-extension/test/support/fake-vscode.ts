// A recording stand-in for the parts of the `vscode` API the extension calls (tests run outside VS Code).

type Listener<T> = (value: T) => unknown;

export class Disposable {
  constructor(private readonly onDispose: () => void = () => undefined) {}
  dispose(): void {
    this.onDispose();
  }
}

export class EventEmitter<T> {
  private listeners: Listener<T>[] = [];
  readonly event = (listener: Listener<T>): Disposable => {
    this.listeners.push(listener);
    return new Disposable(() => (this.listeners = this.listeners.filter((l) => l !== listener)));
  };
  fire(value: T): void {
    for (const listener of this.listeners) listener(value);
  }
  dispose(): void {
    this.listeners = [];
  }
}

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly path: string,
    readonly query: string,
  ) {}
  static file(path: string): Uri {
    return new Uri("file", path, "");
  }
  static from(parts: { scheme: string; path?: string; query?: string }): Uri {
    return new Uri(parts.scheme, parts.path ?? "", parts.query ?? "");
  }
  static joinPath(base: Uri, ...segments: string[]): Uri {
    const parts = base.path.split("/");
    for (const segment of segments.flatMap((s) => s.split("/"))) {
      if (segment === "..") parts.pop();
      else if (segment !== "" && segment !== ".") parts.push(segment);
    }
    return new Uri(base.scheme, parts.join("/") || "/", "");
  }
  toString(): string {
    return `${this.scheme}://${this.path}${this.query ? `?${this.query}` : ""}`;
  }
}

export enum ProgressLocation {
  SourceControl = 1,
  Window = 10,
  Notification = 15,
}

export enum ViewColumn {
  Active = -1,
  Beside = -2,
}

export interface FakeDocument {
  uri: Uri;
  languageId: string;
  text: string;
}

interface ContentProvider {
  provideTextDocumentContent(uri: Uri): string;
  onDidChange?: (listener: Listener<Uri>) => Disposable;
}

/** Everything the extension did, and the answers the user "gives", for a test to set and read. */
export const fake = {
  /** User settings (settings.json of the user profile). */
  settings: new Map<string, unknown>(),
  /** Workspace settings (a repository's `.vscode/settings.json`): applied over the user's. */
  workspaceSettings: new Map<string, unknown>(),
  trusted: true,
  trustListeners: [] as Listener<void>[],
  /** What the extension logged to its output channels. */
  logged: [] as { level: "warn"; text: string }[],
  commands: new Map<string, (...args: unknown[]) => unknown>(),
  configurationListeners: [] as Listener<{ affectsConfiguration(section: string): boolean }>[],
  watchers: [] as string[],
  providers: new Map<string, ContentProvider>(),
  shownDocuments: [] as FakeDocument[],
  written: new Map<string, string>(),
  messages: [] as { kind: "error" | "warning" | "info"; text: string }[],
  quickPick: undefined as string | undefined,
  openDialog: undefined as Uri | undefined,
  reset(): void {
    this.settings.clear();
    this.workspaceSettings.clear();
    this.trusted = true;
    this.trustListeners = [];
    this.logged = [];
    this.commands.clear();
    this.configurationListeners = [];
    this.watchers = [];
    this.providers.clear();
    this.shownDocuments = [];
    this.written.clear();
    this.messages = [];
    this.quickPick = undefined;
    this.openDialog = undefined;
    window.activeTextEditor = undefined;
  },
  /** Changes settings and tells the extension, as VS Code does after the user edits settings.json. */
  changeSettings(values: Record<string, unknown>): Promise<unknown[]> {
    for (const [key, value] of Object.entries(values)) this.settings.set(key, value);
    const keys = Object.keys(values);
    const event = { affectsConfiguration: (section: string) => keys.some((key) => key === section || key.startsWith(`${section}.`)) };
    return Promise.all(this.configurationListeners.map((listener) => listener(event)));
  },
  /** The user trusts the workspace (leaves Restricted Mode). */
  grantTrust(): Promise<unknown[]> {
    this.trusted = true;
    return Promise.all(this.trustListeners.map((listener) => listener(undefined)));
  },
};

export const workspace = {
  get isTrusted(): boolean {
    return fake.trusted;
  },
  onDidGrantWorkspaceTrust(listener: Listener<void>): Disposable {
    fake.trustListeners.push(listener);
    return new Disposable();
  },
  getConfiguration(section: string) {
    return {
      get<T>(key: string, defaultValue: T): T {
        const value = fake.workspaceSettings.get(`${section}.${key}`) ?? fake.settings.get(`${section}.${key}`);
        return value === undefined ? defaultValue : (value as T);
      },
      inspect<T>(key: string): { key: string; globalValue?: T; workspaceValue?: T } {
        return {
          key: `${section}.${key}`,
          globalValue: fake.settings.get(`${section}.${key}`) as T | undefined,
          workspaceValue: fake.workspaceSettings.get(`${section}.${key}`) as T | undefined,
        };
      },
    };
  },
  onDidChangeConfiguration(listener: Listener<{ affectsConfiguration(section: string): boolean }>): Disposable {
    fake.configurationListeners.push(listener);
    return new Disposable();
  },
  createFileSystemWatcher(glob: string) {
    fake.watchers.push(glob);
    return new Disposable();
  },
  registerTextDocumentContentProvider(scheme: string, provider: ContentProvider): Disposable {
    fake.providers.set(scheme, provider);
    return new Disposable(() => fake.providers.delete(scheme));
  },
  async openTextDocument(uri: Uri): Promise<FakeDocument> {
    const provider = fake.providers.get(uri.scheme);
    if (!provider) throw new Error(`no content provider for ${uri.scheme}`);
    return { uri, languageId: "plaintext", text: provider.provideTextDocumentContent(uri) };
  },
  asRelativePath(uri: Uri | string): string {
    return typeof uri === "string" ? uri : uri.path;
  },
  getWorkspaceFolder(): undefined {
    return undefined;
  },
  fs: {
    async writeFile(uri: Uri, content: Uint8Array): Promise<void> {
      fake.written.set(uri.path, new TextDecoder().decode(content));
    },
  },
};

export const languages = {
  async setTextDocumentLanguage(document: FakeDocument, languageId: string): Promise<FakeDocument> {
    document.languageId = languageId;
    return document;
  },
};

export const window = {
  activeTextEditor: undefined as { document: FakeDocument } | undefined,
  createOutputChannel(name: string) {
    const warn = (text: string) => void fake.logged.push({ level: "warn", text });
    return { name, logLevel: 2, warn, dispose: () => undefined, onDidChangeLogLevel: () => new Disposable() };
  },
  async showTextDocument(document: FakeDocument): Promise<void> {
    fake.shownDocuments.push(document);
  },
  async showErrorMessage(text: string): Promise<undefined> {
    fake.messages.push({ kind: "error", text });
    return undefined;
  },
  async showWarningMessage(text: string): Promise<undefined> {
    fake.messages.push({ kind: "warning", text });
    return undefined;
  },
  async showInformationMessage(text: string): Promise<undefined> {
    fake.messages.push({ kind: "info", text });
    return undefined;
  },
  async showQuickPick<T extends { label: string }>(items: T[]): Promise<T | undefined> {
    return items.find((item) => item.label === fake.quickPick);
  },
  async showOpenDialog(): Promise<Uri[] | undefined> {
    return fake.openDialog ? [fake.openDialog] : undefined;
  },
  async withProgress<R>(_options: unknown, task: (progress: unknown, token: unknown) => Promise<R>): Promise<R> {
    return task({ report: () => undefined }, { isCancellationRequested: false });
  },
};

export const commands = {
  registerCommand(id: string, handler: (...args: unknown[]) => unknown): Disposable {
    fake.commands.set(id, handler);
    return new Disposable(() => fake.commands.delete(id));
  },
  async executeCommand(): Promise<void> {},
};
