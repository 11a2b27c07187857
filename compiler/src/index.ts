export * from "./syntax/ast.js";
export { parse } from "./syntax/parse.js";
export type { ParseResult } from "./syntax/parse.js";
export { LineMap } from "./syntax/line-map.js";
export { children, walk, contains, nodePathAt } from "./syntax/walk.js";
export * from "./diagnostics/diagnostic.js";
export { format } from "./format/format.js";
export type { FormatResult } from "./format/format.js";
export { printExpr, printType } from "./format/print-expr.js";
export * from "./render/index.js";
// Tables the language server reads for signature help and quick fixes (added by the language-server work).
export { FEATURE_FUNCTIONS, AGGREGATES, METRICS, DRIFT_METHODS, MONITOR_SIGNALS, MONITOR_ACTIONS } from "./checker/catalog.js";
export { BLOCK_FIELDS, TRAINERS, TARGETS, ROLLOUTS, slotToString } from "./checker/schema.js";
export type { ConstructorSpec, FieldSpec, Slot } from "./checker/schema.js";
// Program, checker and semantic model (type-checker work).
export { createProgram } from "./program/program.js";
export type { Program, ProgramOptions } from "./program/program.js";
export type { ProgramFile, ResolvedImport } from "./program/source-files.js";
export type {
  SemanticModel,
  ConstValue,
  ResolvedField,
  ResolvedDeclaration,
  ResolvedSource,
  ResolvedFeature,
  ResolvedFeatureSet,
  ResolvedModel,
  ResolvedModelInput,
  ResolvedGate,
  ResolvedGateRule,
  ResolvedDeployment,
  ResolvedMonitor,
  ResolvedPolicy,
  ResolvedParam,
  ResolvedPipeline,
  Resolution,
} from "./program/semantic-model.js";
export type { Type, DeclKind } from "./checker/types.js";
export { typeToString, toValueType, toFeatureType } from "./checker/types.js";
export type { SemanticSymbol, DeclSymbol, BlockSymbol, ParamSymbol } from "./checker/symbols.js";
export type { DeclResult, SymbolReference, Annotation } from "./checker/context.js";
export { validateCron } from "./checker/cron.js";
export { normalizeQuantity, describeQuantity, durationLiteral, validUnits, UNIT_DOCS } from "./checker/units.js";
export type { QuantityKind } from "./checker/units.js";
export { editDistance, closestMatch } from "./checker/edit-distance.js";
export * from "./onnx/index.js";
export * from "./services/index.js";
// The portable plan.
export * from "./plan/types.js";
export { validatePlan, loadPlan, planSchema, planExpressions } from "./plan/validate.js";
export {
  PlanExprBuilder,
  literalExpr,
  planExprRoot,
  planExprChildren,
  foldPlanExpr,
  planExprProblem,
  planExprRefs,
  printPlanExpr,
  type FoldOptions,
} from "./plan/expr.js";
export type { PlanSchemaError } from "./plan/validate.js";
export { emitPlan, serializePlan, planHash } from "./plan/emit.js";
export type { EmitOptions } from "./plan/emit.js";
export { buildSteps } from "./plan/steps.js";
export { secretVariable } from "./plan/secret-variables.js";
export { diffPlans, isEmptyDiff } from "./plan/diff.js";
export type { PlanDiff } from "./plan/diff.js";
export { MemoryHost } from "./host/memory-host.js";
export { OverlayHost } from "./host/overlay-host.js";
export type { CompilerHost, FileInfo } from "./host/host.js";
/** POSIX path helpers (the compiler names files by POSIX path): for code that must not import node:path. */
export * as posixPath from "./host/paths.js";
export { canonicalJson } from "./util/canonical-json.js";
export { count } from "./util/count.js";
export { sha256Hex } from "./util/sha256.js";
export { formatDiagnosticText, formatSummary } from "./diagnostics/format-text.js";
export { escapeControl } from "./diagnostics/terminal-text.js";
export { formatDiagnosticsJson } from "./diagnostics/format-json.js";
export { formatDiagnosticsSarif, DIAGNOSTIC_DESCRIPTIONS } from "./diagnostics/format-sarif.js";
export { VERSION } from "./version.js";
