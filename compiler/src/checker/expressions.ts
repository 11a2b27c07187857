/**
 * Expression typing shared by feature expressions, source expectations, gate
 * rules and monitor conditions: literals with contextual units, operators,
 * nullability, enum literals. Each context supplies how names, members and
 * calls resolve (an `ExprScope`).
 */
import type { ProgramFile } from "../program/source-files.js";
import type { BinaryExpr, CallExpr, Expr, Identifier, MemberExpr } from "../syntax/ast.js";
import type { DeclContext } from "./context.js";
import { closestMatch } from "./edit-distance.js";
import { lookupParam, paramAccess, renameFix } from "./resolve.js";
import type { Type } from "./types.js";
import { BOOL, FLOAT, INT, STRING, UNKNOWN, isNullable, isNumeric, isTemporal, nonNull, quantity, typeToString } from "./types.js";
import type { QuantityKind } from "./units.js";
import { defaultKindOfUnit, isUnitOf, normalizeQuantity, validUnits } from "./units.js";

export interface ExprScope {
  /** A bare name; undefined when the scope does not know it (the typer reports unknown-reference). */
  name(typer: ExprTyper, id: Identifier, expr: Expr): Type | undefined;
  /** Names offered as did-you-mean candidates. */
  candidates(): string[];
  member?(typer: ExprTyper, expr: MemberExpr): Type | undefined;
  /** A call; undefined when the function is unknown here. */
  call(typer: ExprTyper, expr: CallExpr, name: string): Type | undefined;
  /** Function names for did-you-mean. */
  functions(): string[];
  /** Where this scope's names come from, for messages ("a column of source `s`"). */
  describe: string;
  /** Extra hints for a name the scope does not know (where else it exists). */
  hints?(name: string): string[];
}

export class ExprTyper {
  /** Names proven non-null by an enclosing `if(is_null(x), ..., HERE)` guard. */
  readonly narrowed = new Set<string>();
  /** The feature being typed: one-hot slot labels read `feature=value`. */
  labelBase: string | undefined;

  constructor(
    readonly ctx: DeclContext,
    readonly file: ProgramFile,
    readonly scope: ExprScope,
  ) {}

  report(...args: Parameters<DeclContext["report"]> extends [ProgramFile, ...infer R] ? R : never): void {
    this.ctx.report(this.file, ...args);
  }

  /**
   * Types `expr`; `expected` gives quantity literals their meaning. Chains of operators and
   * parentheses (the only way an expression gets deep: the parser bounds nesting of calls,
   * lists and records) are walked with an explicit stack, so their length costs no stack.
   */
  type(expr: Expr, expected?: Type): Type {
    const stack: SpineFrame[] = [];
    let next: Expr | undefined = expr;
    let nextExpected = expected;
    let result: Type = UNKNOWN;
    for (;;) {
      while (next && isSpine(next)) {
        const frame: SpineFrame = { expr: next, first: undefined };
        stack.push(frame);
        [next, nextExpected] = firstOperand(next, nextExpected);
      }
      if (next) result = this.ctx.setType(next, this.compute(next, nextExpected));
      next = undefined;
      while (stack.length > 0) {
        const frame = stack[stack.length - 1]!;
        if (frame.expr.kind === "Binary" && frame.first === undefined) {
          frame.first = result;
          [next, nextExpected] = [frame.expr.right, this.rightExpected(frame.expr, result)];
          break;
        }
        stack.pop();
        result = this.ctx.setType(frame.expr, this.finishSpine(frame, result));
      }
      if (!next) return result;
    }
  }

  /** What the right operand of `expr` is typed against, given the left's type. */
  private rightExpected(expr: BinaryExpr, left: Type): Type | undefined {
    const op = expr.operator;
    if (op === "and" || op === "or") return undefined;
    if (op === "+" || op === "-" || op === "*" || op === "/")
      return left.kind === "quantity" ? (op === "*" || op === "/" ? undefined : left) : undefined;
    return left.kind === "unknown" ? undefined : left;
  }

  /** The type of a spine node whose operands are typed (`last` is the last operand's type). */
  private finishSpine(frame: SpineFrame, last: Type): Type {
    const e = frame.expr;
    switch (e.kind) {
      case "Paren":
        return last;
      case "Unary":
        return this.unary(e.operator, e.operand, last);
      case "Binary":
        return this.binary(e, frame.first!, last);
      default:
        return last;
    }
  }

  private compute(expr: Expr, expected?: Type): Type {
    switch (expr.kind) {
      case "Number":
        return this.number(expr, expected);
      case "String":
        if (expr.parts) for (const p of expr.parts) if (p.kind === "Interpolation") this.type(p.expr);
        return STRING;
      case "Boolean":
        return BOOL;
      case "Error":
        return UNKNOWN;
      case "Name": {
        const t = this.scope.name(this, expr.name, expr);
        if (t) return this.narrow(expr.name.name, t);
        this.unknownName(expr.name);
        return UNKNOWN;
      }
      case "Member": {
        const param = paramAccess(expr);
        if (param) {
          const found = lookupParam(this.ctx, this.file, param);
          return found ? found.info.type : UNKNOWN;
        }
        const t = this.scope.member?.(this, expr);
        if (t) return t;
        this.report("type-mismatch", expr.span, `\`.${expr.property.name}\` cannot be used here (${this.scope.describe})`);
        return UNKNOWN;
      }
      case "Call": {
        if (expr.callee.kind !== "Name") {
          this.report("type-mismatch", expr.callee.span, "only named functions can be called");
          return UNKNOWN;
        }
        const name = expr.callee.name.name;
        if (name === "secret") {
          this.report("secret-exposure", expr.span, "a secret cannot be used in an expression: it would be rendered as plain text", [
            "secrets belong in `env_vars`, an external trainer's `env` or a source's `connection`",
          ]);
          return UNKNOWN;
        }
        const t = this.scope.call(this, expr, name);
        if (t) return t;
        const guess = closestMatch(name, this.scope.functions());
        this.report(
          "unknown-reference",
          expr.callee.span,
          `\`${name}\` is not a function here (${this.scope.describe})`,
          guess ? [`did you mean \`${guess}\`?`] : [],
          guess ? [renameFix(this.file, expr.callee, guess)] : [],
        );
        for (const a of expr.args) this.type(a.value);
        return UNKNOWN;
      }
      case "Paren":
      case "Unary":
      case "Binary":
        return this.type(expr, expected);
      case "List": {
        const el = expr.elements.map((e) => this.type(e));
        return { kind: "list", element: el[0] ?? UNKNOWN };
      }
      case "Record":
      case "Constructor":
        this.report(
          "type-mismatch",
          expr.span,
          `a ${expr.kind === "Record" ? "record" : "constructor"} cannot be used in an expression (${this.scope.describe})`,
        );
        return UNKNOWN;
    }
  }

  unknownName(id: Identifier): void {
    const guess = closestMatch(id.name, this.scope.candidates());
    const hints = [...(guess ? [`did you mean \`${guess}\`?`] : []), ...(this.scope.hints?.(id.name) ?? [])];
    this.report(
      "unknown-reference",
      id.span,
      `\`${id.name}\` is not ${this.scope.describe}`,
      hints,
      guess ? [renameFix(this.file, id, guess)] : [],
    );
  }

  private narrow(name: string, t: Type): Type {
    return this.narrowed.has(name) ? nonNull(t) : t;
  }

  number(expr: Expr & { kind: "Number" }, expected?: Type): Type {
    if (expr.unit === undefined) {
      if (expected?.kind === "quantity" && expected.unit === "duration") {
        this.report("unit-mismatch", expr.span, `a duration needs a unit: ${validUnits("duration").join(", ")}`, [
          `e.g. \`${expr.raw}ms\``,
        ]);
        return UNKNOWN;
      }
      return expr.isInteger ? INT : FLOAT;
    }
    const unitSpan = { start: expr.span.end - expr.unit.length, end: expr.span.end };
    let kind: QuantityKind | undefined = expected?.kind === "quantity" ? expected.unit : undefined;
    if (kind === undefined && expected && (expected.kind === "int" || expected.kind === "float")) kind = "ratio";
    if (kind !== undefined && !isUnitOf(kind, expr.unit)) {
      const units = validUnits(kind);
      this.report("unit-mismatch", unitSpan, `\`${expr.unit}\` is not a ${kind} unit`, [`valid ${kind} units: ${units.join(", ")}`]);
      return UNKNOWN;
    }
    kind ??= defaultKindOfUnit(expr.unit);
    if (!kind) {
      this.report("unit-mismatch", unitSpan, `\`${expr.unit}\` is not a unit`, [
        "units: ms s m h d w (durations), m (cpu), Ki Mi Gi Ti K M G T (memory), % (ratio)",
      ]);
      return UNKNOWN;
    }
    normalizeQuantity(kind, expr.value, expr.unit);
    return quantity(kind);
  }

  private unary(op: "-" | "not", operand: Expr, t: Type): Type {
    if (t.kind === "unknown") return UNKNOWN;
    if (op === "not") {
      if (t.kind !== "bool") return this.expected(operand, "a bool for `not`", t);
      if (t.nullable) this.nullable(operand, "`not`");
      return BOOL;
    }
    if (!isNumeric(t) && !(t.kind === "quantity")) return this.expected(operand, "a number for unary `-`", t);
    if (isNullable(t)) this.nullable(operand, "unary `-`");
    return nonNull(t);
  }

  expected(expr: Expr, what: string, found: Type): Type {
    const e = expr.kind === "Paren" ? expr.expr : expr;
    const subject = e.kind === "Name" ? `\`${e.name.name}\` is` : e.kind === "String" ? "found a string," : `found`;
    const shown = e.kind === "String" ? "" : ` ${typeToString(found)}`;
    this.report("type-mismatch", expr.span, `expected ${what}, but ${subject}${shown}`.replace(/,$/, ""));
    return UNKNOWN;
  }

  nullable(expr: Expr, use: string): void {
    const name = expr.kind === "Name" ? `\`${expr.name.name}\`` : "this value";
    this.report("nullable-misuse", expr.span, `${name} may be null and cannot be used in ${use}`, [
      `make it non-null first: coalesce(x, default), impute(x, median) or if(is_null(x), default, x)`,
    ]);
  }

  private binary(expr: BinaryExpr, l: Type, r: Type): Type {
    const op = expr.operator;
    if (op === "and" || op === "or") {
      for (const [side, t] of [
        [expr.left, l],
        [expr.right, r],
      ] as const) {
        if (t.kind === "unknown") continue;
        if (t.kind !== "bool") this.expected(side, `a bool for \`${op}\``, t);
        else if (t.nullable) this.nullable(side, `\`${op}\``);
      }
      return BOOL;
    }
    if (op === "+" || op === "-" || op === "*" || op === "/") return this.arithmetic(expr, l, r);
    return this.comparison(expr, l, r);
  }

  private arithmetic(expr: BinaryExpr, l: Type, r: Type): Type {
    const op = expr.operator;
    if (l.kind === "unknown" || r.kind === "unknown") return UNKNOWN;
    let bad = false;
    for (const [side, t] of [
      [expr.left, l],
      [expr.right, r],
    ] as const) {
      if (!isNumeric(t) && t.kind !== "quantity") {
        this.expected(side, `a number for \`${op}\``, t);
        bad = true;
      } else if (isNullable(t)) {
        this.nullable(side, `arithmetic (\`${op}\`)`);
      }
    }
    if (bad) return UNKNOWN;
    const lq = l.kind === "quantity" && l.unit !== "ratio" ? l.unit : undefined;
    const rq = r.kind === "quantity" && r.unit !== "ratio" ? r.unit : undefined;
    const additive = op === "+" || op === "-";
    if ((lq || rq) && (additive ? lq !== rq : lq !== undefined && rq !== undefined)) {
      this.report("type-mismatch", expr.span, `cannot combine ${typeToString(l)} and ${typeToString(r)} with \`${op}\``);
      return UNKNOWN;
    }
    if (lq) return l;
    if (rq) return r;
    if (l.kind === "quantity" && r.kind === "quantity") return quantity("ratio");
    if (l.kind === "int" && r.kind === "int" && op !== "/") return INT;
    return FLOAT;
  }

  private comparison(expr: BinaryExpr, l: Type, r: Type): Type {
    const op = expr.operator;
    if (l.kind === "unknown" || r.kind === "unknown") return BOOL;
    const ordering = op !== "==" && op !== "!=";
    if (ordering) {
      for (const [side, t] of [
        [expr.left, l],
        [expr.right, r],
      ] as const)
        if (isNullable(t)) this.nullable(side, `a comparison (\`${op}\`)`);
    }
    if (l.kind === "enum" || r.kind === "enum") return this.enumComparison(expr, l, r, ordering);
    this.ratioLiteral(l, expr.right);
    this.ratioLiteral(r, expr.left);
    if (!comparable(l, r, ordering)) {
      this.report("type-mismatch", expr.span, `cannot compare ${typeToString(l)} with ${typeToString(r)} using \`${op}\``);
    }
    return BOOL;
  }

  private enumComparison(expr: BinaryExpr, l: Type, r: Type, ordering: boolean): Type {
    if (ordering) {
      this.report("type-mismatch", expr.operatorSpan, `enums are compared with == or !=, not \`${expr.operator}\``);
      return BOOL;
    }
    const [enumType, other, otherExpr] = l.kind === "enum" ? [l, r, expr.right] : [r, l, expr.left];
    if (enumType.kind !== "enum") return BOOL;
    if (other.kind === "enum") {
      if (!other.values.some((v) => enumType.values.includes(v)))
        this.report("type-mismatch", expr.span, `${typeToString(enumType)} and ${typeToString(other)} share no value`);
      return BOOL;
    }
    if (other.kind !== "string") {
      this.report("type-mismatch", expr.span, `cannot compare ${typeToString(enumType)} with ${typeToString(other)}`);
      return BOOL;
    }
    this.checkEnumLiteral(otherExpr, enumType.values);
    return BOOL;
  }

  /** A plain number compared with a ratio is a ratio: it must be within 0..1 (`error_rate > 5` means 5%?). */
  private ratioLiteral(ratio: Type, other: Expr): void {
    if (ratio.kind !== "quantity" || ratio.unit !== "ratio") return;
    const e = other.kind === "Paren" ? other.expr : other;
    if (e.kind !== "Number") return;
    const v = e.unit === "%" ? e.value / 100 : e.unit === undefined ? e.value : undefined;
    if (v === undefined || (v >= 0 && v <= 1)) return;
    const hint = e.unit === undefined && e.value > 1 && e.value <= 100 ? [`did you mean \`${e.raw}%\`?`] : [];
    this.report("out-of-range", e.span, `${e.raw}${e.unit ?? ""} is out of range for a ratio (0..1, or 0%..100%)`, hint);
  }

  /** A string literal standing for an enum value must be one of the values. */
  checkEnumLiteral(expr: Expr, values: string[]): void {
    const e = expr.kind === "Paren" ? expr.expr : expr;
    if (e.kind !== "String" || e.parts) return;
    if (values.includes(e.value)) return;
    const guess = closestMatch(e.value, values);
    const hints = [guess ? `did you mean "${guess}"?` : "", `values: ${values.map((v) => JSON.stringify(v)).join(", ")}`].filter(Boolean);
    const fixes = guess
      ? [
          {
            title: `Change to "${guess}"`,
            edits: [{ file: this.file.path, range: this.file.lineMap.range(e.span), newText: JSON.stringify(guess) }],
          },
        ]
      : [];
    this.report(
      "enum-value",
      e.span,
      `"${e.value}" is not a value of ${typeToString({ kind: "enum", values, nullable: false })}`,
      hints,
      fixes,
    );
  }
}

/** A node of an operator chain: typed by `ExprTyper.type` without recursion. */
type SpineExpr = Extract<Expr, { kind: "Binary" | "Unary" | "Paren" }>;

interface SpineFrame {
  expr: SpineExpr;
  /** A binary node's left operand type, once typed. */
  first: Type | undefined;
}

function isSpine(expr: Expr): expr is SpineExpr {
  return expr.kind === "Binary" || expr.kind === "Unary" || expr.kind === "Paren";
}

/** The operand typed first and what it is typed against. */
function firstOperand(expr: SpineExpr, expected: Type | undefined): [Expr, Type | undefined] {
  switch (expr.kind) {
    case "Paren":
      return [expr.expr, expected];
    case "Unary":
      return [expr.operand, expected];
    case "Binary": {
      const op = expr.operator;
      const arithmetic = op === "+" || op === "-" || op === "*" || op === "/";
      return [expr.left, arithmetic ? expected : undefined];
    }
  }
}

function comparable(l: Type, r: Type, ordering: boolean): boolean {
  if (isNumeric(l) && isNumeric(r)) return true;
  if (l.kind === "quantity" && r.kind === "quantity") return l.unit === r.unit;
  if (isTemporal(l) && isTemporal(r)) return l.kind === r.kind;
  if (ordering) return false;
  if (l.kind === "string" && r.kind === "string") return true;
  if (l.kind === "bool" && r.kind === "bool") return true;
  return false;
}

/** Arguments by position, with a count check. */
export function expectArgs(typer: ExprTyper, call: CallExpr, min: number, max: number, usage: string): boolean {
  const n = call.args.length;
  if (n < min || n > max) {
    typer.report(
      "type-mismatch",
      call.span,
      `${usage} takes ${min === max ? min : `${min} to ${max === Infinity ? "more" : max}`} argument${max === 1 ? "" : "s"}, found ${n}`,
    );
    for (const a of call.args) typer.type(a.value);
    return false;
  }
  const named = call.args.find((a) => a.name);
  if (named) {
    typer.report("type-mismatch", named.name!.span, `${usage} takes no named arguments`);
    return false;
  }
  return true;
}

export { FLOAT, INT, BOOL, STRING, UNKNOWN };
