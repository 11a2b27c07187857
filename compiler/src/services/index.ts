export { symbolAt, definition, references, referencesOf, typeAt, locationOf } from "./navigation.js";
export type { Location } from "./navigation.js";
export { hoverAt, describeSymbol, modelLayout } from "./hover.js";
export type { HoverResult } from "./hover.js";
export { completionsAt } from "./completion.js";
export type { CompletionItem, CompletionKind } from "./completion.js";
export { missingFieldsFix } from "./missing-fields.js";
export type { MissingFieldsFix } from "./missing-fields.js";
export { fixChecks, programWithText } from "./what-if.js";
