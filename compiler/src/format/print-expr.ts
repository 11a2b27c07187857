import type { Argument, Expr, RecordExpr, RecordField, StringLiteral, TypeNode } from "../syntax/ast.js";

/**
 * Prints an expression on one line in the canonical style (`a + b`, `f(x, by = c)`,
 * `{ a = 1, b = 2 }`, `canary { steps = [10%, 50%] }`).
 * With `source` (the text the expression was parsed from), string literals are printed
 * exactly as written; without it they are re-escaped from their value.
 * Parentheses are printed where the tree has a `Paren` node, and also where a
 * hand-built tree needs them to keep its meaning.
 */
export function printExpr(expr: Expr, source?: string): string {
  return new ExprPrinter(source).print(expr);
}

export function printType(type: TypeNode, source?: string): string {
  return new ExprPrinter(source).type(type);
}

/** Binding strength; higher binds tighter. */
function precedence(expr: Expr): number {
  switch (expr.kind) {
    case "Binary":
      switch (expr.operator) {
        case "or":
          return 1;
        case "and":
          return 2;
        case "+":
        case "-":
          return 5;
        case "*":
        case "/":
          return 6;
        default:
          return 4;
      }
    case "Unary":
      return expr.operator === "not" ? 3 : 7;
    default:
      return 8;
  }
}

type SpineExpr = Extract<Expr, { kind: "Binary" | "Unary" | "Paren" }>;

function isSpine(expr: Expr): expr is SpineExpr {
  return expr.kind === "Binary" || expr.kind === "Unary" || expr.kind === "Paren";
}

/** Whether `child` binds looser than its parent allows. */
function needsParens(child: Expr, parent: number, strict: boolean): boolean {
  const own = precedence(child);
  return own < parent || (strict && own === parent && child.kind === "Binary");
}

function joinSpine(expr: SpineExpr, texts: string[]): string {
  switch (expr.kind) {
    case "Binary":
      return `${texts[0]} ${expr.operator} ${texts[1]}`;
    case "Unary":
      return expr.operator === "not" ? `not ${texts[0]}` : `-${texts[0]}`;
    case "Paren":
      return texts[0]!;
  }
}

export class ExprPrinter {
  constructor(private readonly source?: string) {}

  /**
   * Operator chains (`a + b + …`, `not not x`, parentheses) are printed with an explicit
   * stack, so their length costs no call stack; other nodes recurse only as deep as the
   * parser's nesting bound allows.
   */
  print(root: Expr): string {
    const stack: Array<{ expr: SpineExpr; operands: Array<[Expr, boolean]>; texts: string[] }> = [];
    let next: Expr | undefined = root;
    let result = "";
    for (;;) {
      while (next && isSpine(next)) {
        const operands = this.spineOperands(next);
        stack.push({ expr: next, operands, texts: [] });
        next = operands[0]![0];
      }
      if (next) result = this.leaf(next);
      next = undefined;
      while (stack.length > 0) {
        const top = stack[stack.length - 1]!;
        top.texts.push(top.operands[top.texts.length]![1] ? `(${result})` : result);
        if (top.texts.length < top.operands.length) {
          next = top.operands[top.texts.length]![0];
          break;
        }
        stack.pop();
        result = joinSpine(top.expr, top.texts);
      }
      if (!next) return result;
    }
  }

  /** The operands of an operator or parenthesis, each with whether it needs parentheses. */
  private spineOperands(expr: SpineExpr): Array<[Expr, boolean]> {
    switch (expr.kind) {
      case "Binary": {
        const own = precedence(expr);
        return [
          [expr.left, needsParens(expr.left, own, own === 4)],
          [expr.right, needsParens(expr.right, own, true)],
        ];
      }
      case "Unary":
        return [[expr.operand, needsParens(expr.operand, precedence(expr), false)]];
      case "Paren":
        return [[expr.expr, true]];
    }
  }

  private leaf(expr: Exclude<Expr, SpineExpr>): string {
    switch (expr.kind) {
      case "Number":
        return expr.raw + (expr.unit ?? "");
      case "String":
        return this.string(expr);
      case "Boolean":
        return expr.value ? "true" : "false";
      case "Name":
        return expr.name.name;
      case "Member":
        return `${this.operand(expr.object)}.${expr.property.name}`;
      case "Call":
        return `${this.operand(expr.callee)}(${expr.args.map((arg) => this.argument(arg)).join(", ")})`;
      case "Constructor":
        return `${expr.name.name} ${this.record(expr.body)}`;
      case "List":
        return `[${expr.elements.map((element) => this.print(element)).join(", ")}]`;
      case "Record":
        return this.record(expr);
      case "Error":
        return "<error>";
    }
  }

  /** The object of a member access or the callee of a call: parenthesized unless it is an atom. */
  private operand(child: Expr): string {
    return needsParens(child, 8, false) ? `(${this.print(child)})` : this.print(child);
  }

  argument(arg: Argument): string {
    return arg.name ? `${arg.name.name} = ${this.print(arg.value)}` : this.print(arg.value);
  }

  record(record: RecordExpr): string {
    if (record.fields.length === 0) return "{}";
    return `{ ${record.fields.map((field) => `${this.key(field)} = ${this.print(field.value)}`).join(", ")} }`;
  }

  key(field: RecordField): string {
    if (!field.quotedKey) return field.key.name;
    return this.source !== undefined ? this.source.slice(field.key.span.start, field.key.span.end) : quote(field.key.name);
  }

  type(type: TypeNode): string {
    let text = type.name.name;
    if (type.typeArgs.length > 0) {
      text += `<${type.typeArgs.map((arg) => (arg.kind === "Type" ? this.type(arg) : this.print(arg))).join(", ")}>`;
    }
    if (type.args) text += `(${type.args.map((arg) => this.print(arg)).join(", ")})`;
    return type.nullable ? `${text}?` : text;
  }

  private string(literal: StringLiteral): string {
    if (this.source !== undefined) return this.source.slice(literal.span.start, literal.span.end);
    if (!literal.parts) return quote(literal.value);
    const body = literal.parts.map((part) => (part.kind === "Text" ? escape(part.value) : `\${${this.print(part.expr)}}`)).join("");
    return `"${body}"`;
  }
}

function quote(value: string): string {
  return `"${escape(value)}"`;
}

function escape(value: string): string {
  let out = "";
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (char === '"' || char === "\\") out += `\\${char}`;
    else if (char === "\n") out += "\\n";
    else if (char === "\t") out += "\\t";
    else if (char === "\r") out += "\\r";
    else if (char === "$") out += "\\$";
    else if (code < 0x20 || code === 0x7f) out += `\\u{${code.toString(16)}}`;
    else out += char;
  }
  return out;
}
