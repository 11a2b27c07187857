/**
 * `@mlops/compiler/core`: what consumers of a plan (the runtime, its commands) need, without the
 * parser, checker, renderers or editor services behind the main entry — so `mlops run` loads a
 * handful of modules, not the whole compiler. Everything here is also exported by the main entry.
 */
export * from "./plan/types.js";
export { foldPlanExpr, literalExpr, planExprChildren, planExprRefs, planExprRoot, printPlanExpr } from "./plan/expr.js";
export { planHash } from "./plan/emit.js";
export { secretVariable } from "./plan/secret-variables.js";
export { METRICS } from "./checker/catalog.js";
export { durationLiteral } from "./checker/units.js";
export { CLOSED_FORM_MAX_INPUTS, fieldsUnusedBySolver, type Solver } from "./plan/solvers.js";
export { canonicalJson } from "./util/canonical-json.js";
export { count } from "./util/count.js";
export { sha256Hex } from "./util/sha256.js";
export { escapeControl } from "./diagnostics/terminal-text.js";
export { VERSION } from "./version.js";
