export { startServer } from "./start.js";
export { SEMANTIC_TOKENS_LEGEND } from "./features/semantic-tokens.js";
