/** The plan types the runtime reads: one import point for the compiler's portable plan contract. */
export type {
  ColumnSpec,
  DataFormat,
  Expectation,
  FeatureSetSpec,
  FeatureSpec,
  FeatureType,
  InputSlot,
  ModelSpec,
  PlanBinaryOperator,
  PlanExpr,
  PlanExprNode,
  ScalarKind,
  SourceSpec,
  ValueType,
} from "@mlops/compiler";
