/**
 * The browser entry: the same server as `server.ts`, over `postMessage`
 * instead of stdio, with the standard library in memory. The playground runs
 * it in a Web Worker: `startBrowserServer(self, stdlib)`.
 */
import { BrowserMessageReader, BrowserMessageWriter, createConnection, ProposedFeatures } from "vscode-languageserver/browser";
import { MemoryFiles } from "./memory-files.js";
import { startServer } from "./start.js";

/** What the messages come through: the worker's global scope, or a `MessagePort`. */
export type MessageEndpoint = ConstructorParameters<typeof BrowserMessageReader>[0];

/** `stdlib` maps a module name (`gates`) to its text. */
export function startBrowserServer(endpoint: MessageEndpoint, stdlib: Record<string, string>): void {
  const connection = createConnection(ProposedFeatures.all, new BrowserMessageReader(endpoint), new BrowserMessageWriter(endpoint));
  startServer(connection, { files: new MemoryFiles(stdlib) });
}
