import { readFileSync } from "node:fs";
import { TextDocument } from "vscode-languageserver-textdocument";
import { LineMap, parse } from "@mlops/compiler";
import { findMlopsFiles, OverlayFsHost } from "./util/fs-host.js";
import { pathToUri, uriToPath } from "./util/uri.js";
/**
 * Owns the text of every `.mlops` file the server knows: open editor buffers
 * (incrementally synced) over the files found on disk in the workspace
 * folders. Parses lazily and caches the tree per text.
 */
export class Workspace {
    open = new Map();
    uris = new Map();
    diskFiles = new Set();
    diskText = new Map();
    parsedCache = new Map();
    listeners = [];
    host;
    constructor(stdlibDir) {
        this.host = new OverlayFsHost((path) => this.open.get(path)?.getText(), stdlibDir);
    }
    /** Called with the path of every file whose text changed (opened, edited, closed, changed on disk). */
    onDidChange(listener) {
        this.listeners.push(listener);
    }
    addFolder(root) {
        const files = findMlopsFiles(root);
        for (const file of files)
            this.diskFiles.add(file);
        return files;
    }
    openDocument(uri, version, text) {
        const path = uriToPath(uri);
        this.uris.set(path, uri);
        this.open.set(path, TextDocument.create(uri, "mlops", version, text));
        this.changed(path);
        return path;
    }
    changeDocument(uri, version, changes) {
        const path = uriToPath(uri);
        const document = this.open.get(path);
        if (!document)
            return undefined;
        this.open.set(path, TextDocument.update(document, changes, version));
        this.changed(path);
        return path;
    }
    closeDocument(uri) {
        const path = uriToPath(uri);
        this.open.delete(path);
        this.diskText.delete(path);
        this.changed(path);
        return path;
    }
    /** A file changed on disk (watched-files notification). */
    diskChanged(uri, deleted) {
        const path = uriToPath(uri);
        this.diskText.delete(path);
        if (deleted)
            this.diskFiles.delete(path);
        else if (path.endsWith(".mlops"))
            this.diskFiles.add(path);
        this.changed(path);
        return path;
    }
    isOpen(path) {
        return this.open.has(path);
    }
    openPaths() {
        return [...this.open.keys()];
    }
    /** Every known `.mlops` file: the workspace's and the open ones. */
    allPaths() {
        return [...new Set([...this.diskFiles, ...this.open.keys()])].sort();
    }
    documentVersion(path) {
        return this.open.get(path)?.version;
    }
    uriOf(path) {
        return this.uris.get(path) ?? pathToUri(path);
    }
    /** The path of a URI (a path is returned as is). */
    pathOf(uriOrPath) {
        return uriOrPath.startsWith("/") ? uriOrPath : uriToPath(uriOrPath);
    }
    text(path) {
        const open = this.open.get(path);
        if (open)
            return open.getText();
        let text = this.diskText.get(path);
        if (text === undefined) {
            try {
                text = readFileSync(path, "utf8");
            }
            catch {
                return undefined;
            }
            this.diskText.set(path, text);
        }
        return text;
    }
    /** The parsed file at `uriOrPath`, or undefined when it has no text. */
    parsed(uriOrPath) {
        const path = this.pathOf(uriOrPath);
        const text = this.text(path);
        if (text === undefined)
            return undefined;
        const cached = this.parsedCache.get(path);
        if (cached && cached.text === text)
            return cached;
        const result = parse(text, path);
        const parsed = {
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
    changed(path) {
        for (const listener of this.listeners)
            listener(path);
    }
}
