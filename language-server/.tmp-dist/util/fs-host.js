import { readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import { NodeHost } from "@mlops/compiler/node";
/**
 * Where the standard library is: `<folder of the running server>/stdlib/std`
 * first (the VS Code extension ships it there), else the `@mlops/stdlib`
 * package; undefined leaves the choice to the compiler's `NodeHost`.
 */
export function findStdlibDir(serverScript = process.argv[1]) {
    const candidates = [];
    if (serverScript)
        candidates.push(join(dirname(serverScript), "stdlib", "std"));
    try {
        const require = createRequire(serverScript ?? join(process.cwd(), "index.js"));
        candidates.push(join(dirname(require.resolve("@mlops/stdlib/package.json")), "std"));
    }
    catch {
        // not installed next to the server: fine, no stdlib then
    }
    return candidates.find((dir) => isDirectory(dir));
}
function isDirectory(path) {
    try {
        return statSync(path).isDirectory();
    }
    catch {
        return false;
    }
}
/**
 * The CLI's file-system host (`NodeHost`) with open editor buffers laid over
 * it: what the compiler reads is what the editor shows, and everything else
 * resolves exactly as `mlops check` resolves it.
 */
export class OverlayFsHost {
    overlay;
    stdlibDir;
    base;
    constructor(overlay, stdlibDir) {
        this.overlay = overlay;
        this.stdlibDir = stdlibDir;
        this.base = new NodeHost(stdlibDir ? { stdlibDir } : {});
    }
    readFile(path) {
        return this.overlay(path) ?? this.base.readFile(path);
    }
    readBinaryFile(path) {
        return this.base.readBinaryFile(path);
    }
    fileExists(path) {
        return this.overlay(path) !== undefined || this.base.fileExists(path);
    }
    stdlibModulePath(module) {
        return this.base.stdlibModulePath(module);
    }
    stdlibModules() {
        return this.base.stdlibModules();
    }
}
const SKIPPED = new Set(["node_modules", ".git", "dist", "out", ".mlops", ".vscode-test"]);
/** Every `.mlops` file under `root` (bounded, skipping build and dependency folders). */
export function findMlopsFiles(root, limit = 2000) {
    const found = [];
    const stack = [root];
    while (stack.length > 0 && found.length < limit) {
        const dir = stack.pop();
        let entries;
        try {
            entries = readdirSync(dir, { withFileTypes: true });
        }
        catch {
            continue;
        }
        for (const entry of entries) {
            if (entry.isDirectory()) {
                if (!SKIPPED.has(entry.name) && !entry.name.startsWith("."))
                    stack.push(join(dir, entry.name));
            }
            else if (entry.isFile() && entry.name.endsWith(".mlops")) {
                found.push(join(dir, entry.name).replace(/\\/g, "/"));
            }
        }
    }
    return found.sort();
}
