/** The language server in a Web Worker: the same code as over stdio, with the standard library bundled in. */
import { startBrowserServer, type MessageEndpoint } from "@mlops/language-server/browser";
import content from "playground:content";

startBrowserServer(self as unknown as MessageEndpoint, content.stdlib);
