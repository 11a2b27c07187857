export { startServer, type ServerOptions } from "./start.js";
export type { ServerFiles } from "./files.js";
export { MemoryFiles } from "./memory-files.js";
export { SEMANTIC_TOKENS_LEGEND } from "./features/semantic-tokens.js";
