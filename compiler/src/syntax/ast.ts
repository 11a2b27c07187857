/**
 * The syntax tree of one `.mlops` file.
 *
 * Invariants:
 * - Every node has a `span` of UTF-16 offsets into its file's text (end exclusive).
 * - No two nodes share a span object (an edit moves the spans of kept nodes in place).
 * - The parser never throws: whatever it could not read is an `ErrorExpr`
 *   (inside expressions) or is skipped, with a `syntax-error` diagnostic.
 * - Names are `Identifier` nodes so the editor can point at them exactly.
 */

export interface Span {
  start: number;
  end: number;
}

interface NodeBase {
  span: Span;
}

export interface Identifier extends NodeBase {
  kind: "Identifier";
  name: string;
}

// ---------------------------------------------------------------- files

export interface Comment extends NodeBase {
  kind: "Comment";
  /** `line` = `// x`, `doc` = `/// x`, `block` = `/* x *\/`. */
  style: "line" | "doc" | "block";
  /** The full text of the comment, delimiters included. */
  text: string;
}

export interface SourceFile extends NodeBase {
  kind: "SourceFile";
  fileName: string;
  text: string;
  declarations: Declaration[];
  /** Every comment of the file in source order (doc comments too). */
  comments: Comment[];
}

// ---------------------------------------------------------------- declarations

export type Declaration = BlockDeclaration | ParamDeclaration | ImportDeclaration;

export type BlockKeyword = "pipeline" | "env" | "source" | "features" | "model" | "gate" | "deploy" | "monitor" | "notifier";

/**
 * `[template] KEYWORD name [from S] [extends T] { members }`.
 * `from` is only meaningful on `features`, `extends` on everything but
 * `pipeline`/`env`; the checker reports misuse, the parser accepts both.
 */
export interface BlockDeclaration extends NodeBase {
  kind: "Block";
  keyword: BlockKeyword;
  keywordSpan: Span;
  isTemplate: boolean;
  name: Identifier;
  from?: Identifier;
  extends?: Identifier;
  members: Member[];
  /** Text of the `///` comments right above the declaration, delimiters stripped, joined by "\n". */
  doc?: string;
  /** Span of the `{ ... }` body (for folding and selection ranges). */
  bodySpan: Span;
}

/** `param NAME: TYPE = VALUE` */
export interface ParamDeclaration extends NodeBase {
  kind: "Param";
  name: Identifier;
  type?: TypeNode;
  value?: Expr;
  doc?: string;
}

/** `import "./path.mlops"` or `import std.NAME` */
export interface ImportDeclaration extends NodeBase {
  kind: "Import";
  /** A relative file path (string literal) or a module path like `std.gates`. */
  target: StringLiteral | ModulePath;
  doc?: string;
}

export interface ModulePath extends NodeBase {
  kind: "ModulePath";
  segments: Identifier[];
}

// ---------------------------------------------------------------- members of a block

export type Member = FieldMember | SchemaMember | ExpectMember | RequireMember | DriftMember | WhenMember;

/** `name = value`; inside `features` each field is a feature. */
export interface FieldMember extends NodeBase {
  kind: "Field";
  name: Identifier;
  value: Expr;
  doc?: string;
}

/** `schema { col: type modifiers... }` */
export interface SchemaMember extends NodeBase {
  kind: "Schema";
  columns: ColumnDeclaration[];
  bodySpan: Span;
}

export interface ColumnDeclaration extends NodeBase {
  kind: "Column";
  name: Identifier;
  type: TypeNode;
  /** `unique`, `range(0, 10)`, ... in source order. */
  modifiers: Modifier[];
  doc?: string;
}

export interface Modifier extends NodeBase {
  kind: "Modifier";
  name: Identifier;
  /** Undefined when written without parentheses (`unique`). */
  args?: Argument[];
}

/** `expect { check... }` – one boolean expression per line. */
export interface ExpectMember extends NodeBase {
  kind: "Expect";
  checks: Expr[];
  bodySpan: Span;
}

/** `require CONDITION` */
export interface RequireMember extends NodeBase {
  kind: "Require";
  condition: Expr;
}

/** `drift TARGET: RULE` – TARGET is a column, feature, `prediction` or `*`; RULE is `method op threshold`. */
export interface DriftMember extends NodeBase {
  kind: "Drift";
  target: Identifier; // name "*" for the wildcard
  rule: Expr;
}

/** `when CONDITION => ACTION` */
export interface WhenMember extends NodeBase {
  kind: "When";
  condition: Expr;
  action: Expr;
}

// ---------------------------------------------------------------- types

/**
 * A type as written: `int`, `string?`, `enum("a", "b")`, `list<string>`,
 * `vector<float, 32>`, `duration`, `ratio`...
 */
export interface TypeNode extends NodeBase {
  kind: "Type";
  name: Identifier;
  /** `<...>` arguments: types, or integer literals for `vector<float, N>`. */
  typeArgs: Array<TypeNode | NumberLiteral>;
  /** `(...)` arguments, e.g. the members of `enum(...)`. Undefined when there are no parentheses. */
  args?: Expr[];
  nullable: boolean;
}

// ---------------------------------------------------------------- expressions

export type Expr =
  | NumberLiteral
  | StringLiteral
  | BooleanLiteral
  | NameExpr
  | MemberExpr
  | CallExpr
  | ConstructorExpr
  | ListExpr
  | RecordExpr
  | BinaryExpr
  | UnaryExpr
  | ParenExpr
  | ErrorExpr;

/**
 * `42`, `0.85`, `1e-3`, and quantity literals `500m`, `512Mi`, `10m`, `70%`.
 * The unit is kept as written; what it means depends on the slot (the checker decides).
 */
export interface NumberLiteral extends NodeBase {
  kind: "Number";
  /** The numeric part as written, e.g. "512" of `512Mi`. */
  raw: string;
  value: number;
  /** True when `raw` has no `.` and no exponent. */
  isInteger: boolean;
  unit?: string;
}

export type StringPart = { kind: "Text"; value: string; span: Span } | { kind: "Interpolation"; expr: Expr; span: Span };

/** `"..."`; `parts` is present only when the string has `${...}` interpolation. */
export interface StringLiteral extends NodeBase {
  kind: "String";
  /** The cooked value with escapes applied; interpolations appear as written (`${params.x}`). */
  value: string;
  parts?: StringPart[];
  /** False when the closing quote was missing (the string ends at the end of its line). */
  terminated: boolean;
}

export interface BooleanLiteral extends NodeBase {
  kind: "Boolean";
  value: boolean;
}

/** A bare name: a declaration, column, feature, metric, enum member... resolved by the checker. */
export interface NameExpr extends NodeBase {
  kind: "Name";
  name: Identifier;
}

/** `object.property` */
export interface MemberExpr extends NodeBase {
  kind: "Member";
  object: Expr;
  property: Identifier;
}

/** `f(a, b)`, `demographic_parity_difference(by = country)` */
export interface CallExpr extends NodeBase {
  kind: "Call";
  callee: Expr;
  args: Argument[];
}

export interface Argument extends NodeBase {
  kind: "Argument";
  /** Set for `name = value` arguments. */
  name?: Identifier;
  value: Expr;
}

/** `logistic_regression { epochs = 200 }`, `kubernetes { ... }`, `canary { ... }` */
export interface ConstructorExpr extends NodeBase {
  kind: "Constructor";
  name: Identifier;
  body: RecordExpr;
}

export interface ListExpr extends NodeBase {
  kind: "List";
  elements: Expr[];
}

export interface RecordExpr extends NodeBase {
  kind: "Record";
  fields: RecordField[];
}

export interface RecordField extends NodeBase {
  kind: "RecordField";
  /** Usually an identifier; a string key (`"X-Header" = ...`) is allowed. */
  key: Identifier;
  /** True when the key was written as a string literal. */
  quotedKey: boolean;
  value: Expr;
}

export type BinaryOperator = "or" | "and" | "==" | "!=" | "<" | "<=" | ">" | ">=" | "+" | "-" | "*" | "/";

export interface BinaryExpr extends NodeBase {
  kind: "Binary";
  operator: BinaryOperator;
  operatorSpan: Span;
  left: Expr;
  right: Expr;
}

export interface UnaryExpr extends NodeBase {
  kind: "Unary";
  operator: "-" | "not";
  operand: Expr;
}

/** Kept so that the formatter prints the user's parentheses back. */
export interface ParenExpr extends NodeBase {
  kind: "Paren";
  expr: Expr;
}

/** Where an expression was expected but could not be read; a diagnostic was already reported. */
export interface ErrorExpr extends NodeBase {
  kind: "Error";
}

export type Node =
  | SourceFile
  | Declaration
  | Member
  | ColumnDeclaration
  | Modifier
  | TypeNode
  | Expr
  | Argument
  | RecordField
  | Identifier
  | ModulePath
  | Comment;
