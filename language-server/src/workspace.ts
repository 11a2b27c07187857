import { TextDocument, type TextDocumentContentChangeEvent } from "vscode-languageserver-textdocument";
import { LineMap, parse, type Diagnostic, type SourceFile } from "@mlops/compiler";
import type { ServerFiles } from "./files.js";
import { OverlayHost } from "@mlops/compiler";
import { pathToUri, uriToPath } from "./util/uri.js";

/** One file's text with its syntax tree: everything the AST-only features need. */
export interface ParsedDocument {
  uri: string;
  path: string;
  text: string;
  lineMap: LineMap;
  file: SourceFile;
  syntaxDiagnostics: Diagnostic[];
}

/**
 * How a file's text changed: a buffer opened, edited or closed, or the file changed on disk
 * (created, changed or deleted). Everything but an edit can make a file appear or disappear.
 */
export type ChangeKind = "open" | "edit" | "close" | "disk";

/**
 * Owns the text of every `.mlops` file the server knows: open editor buffers
 * (incrementally synced) over the files of the workspace folders (on disk,
 * or in memory in a browser). Parses lazily and caches the tree per text.
 */
export class Workspace {
  private readonly open = new Map<string, TextDocument>();
  private readonly uris = new Map<string, string>();
  private readonly diskFiles = new Set<string>();
  private readonly diskText = new Map<string, string>();
  private readonly parsedCache = new Map<string, ParsedDocument>();
  private readonly listeners: Array<(path: string, kind: ChangeKind) => void> = [];
  private readonly folders: string[] = [];
  readonly host: OverlayHost;

  constructor(private readonly files: ServerFiles) {
    this.host = new OverlayHost((path) => this.open.get(path)?.getText(), files.host);
  }

  /** Called with the path of every file whose text changed (opened, edited, closed, changed on disk). */
  onDidChange(listener: (path: string, kind: ChangeKind) => void): void {
    this.listeners.push(listener);
  }

  addFolder(root: string): string[] {
    const folder = root.replace(/\\/g, "/").replace(/\/+$/, "") || "/";
    if (!this.folders.includes(folder)) this.folders.push(folder);
    const files = this.files.listMlopsFiles(root);
    for (const file of files) this.diskFiles.add(file);
    return files;
  }

  openDocument(uri: string, version: number, text: string): string {
    const path = uriToPath(uri);
    const previous = this.open.get(path);
    this.uris.set(path, uri);
    this.open.set(path, TextDocument.create(uri, "mlops", version, text));
    this.changed(path, previous ? "edit" : "open");
    return path;
  }

  changeDocument(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): string | undefined {
    const path = uriToPath(uri);
    const document = this.open.get(path);
    if (!document) return undefined;
    this.open.set(path, TextDocument.update(document, changes, version));
    this.changed(path, "edit");
    return path;
  }

  closeDocument(uri: string): string {
    const path = uriToPath(uri);
    this.open.delete(path);
    this.diskText.delete(path);
    this.changed(path, "close");
    return path;
  }

  /** A file changed on disk (watched-files notification). */
  diskChanged(uri: string, deleted: boolean): string {
    const path = uriToPath(uri);
    this.diskText.delete(path);
    if (deleted) this.diskFiles.delete(path);
    else if (path.endsWith(".mlops")) this.diskFiles.add(path);
    this.changed(path, "disk");
    return path;
  }

  /** The innermost workspace folder holding `path`: the project root its compilation may read below. */
  folderOf(path: string): string | undefined {
    const inside = this.folders.filter((folder) => path.startsWith(folder === "/" ? "/" : `${folder}/`));
    return inside.sort((a, b) => b.length - a.length)[0];
  }

  isOpen(path: string): boolean {
    return this.open.has(path);
  }

  openPaths(): string[] {
    return [...this.open.keys()];
  }

  /** Every known `.mlops` file: the workspace's and the open ones. */
  allPaths(): string[] {
    return [...new Set([...this.diskFiles, ...this.open.keys()])].sort();
  }

  documentVersion(path: string): number | undefined {
    return this.open.get(path)?.version;
  }

  uriOf(path: string): string {
    return this.uris.get(path) ?? pathToUri(path);
  }

  /** The path of a URI (a path is returned as is). */
  pathOf(uriOrPath: string): string {
    return uriOrPath.startsWith("/") ? uriOrPath : uriToPath(uriOrPath);
  }

  text(path: string): string | undefined {
    const open = this.open.get(path);
    if (open) return open.getText();
    let text = this.diskText.get(path);
    if (text === undefined) {
      text = this.files.readText(path);
      if (text === undefined) return undefined;
      this.diskText.set(path, text);
    }
    return text;
  }

  /** The parsed file at `uriOrPath`, or undefined when it has no text. */
  parsed(uriOrPath: string): ParsedDocument | undefined {
    const path = this.pathOf(uriOrPath);
    const text = this.text(path);
    if (text === undefined) return undefined;
    const cached = this.parsedCache.get(path);
    if (cached && cached.text === text) return cached;
    const result = parse(text, path);
    const parsed: ParsedDocument = {
      uri: this.uriOf(path),
      path,
      text,
      lineMap: new LineMap(text),
      file: result.file,
      syntaxDiagnostics: result.diagnostics,
    };
    this.parsedCache.set(path, parsed);
    return parsed;
  }

  private changed(path: string, kind: ChangeKind): void {
    for (const listener of this.listeners) listener(path, kind);
  }
}
