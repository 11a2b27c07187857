/**
 * The one way to build and read flat plan expressions (`PlanExpr`: nodes in post-order,
 * children are indices of earlier nodes, the last node is the root). Nothing here
 * recurses, so an expression of any length is read in time and stack proportional to
 * its node count. The runtime's `plan-expr.ts` evaluates through `foldPlanExpr`.
 */
import type { PlanBinaryOperator, PlanExpr, PlanExprNode } from "./types.js";

/** Appends nodes children-first; every method returns the new node's index. */
export class PlanExprBuilder {
  private readonly nodes: PlanExprNode[] = [];

  lit(value: number | string | boolean | null): number {
    return this.push({ op: "lit", value });
  }

  ref(scope: Extract<PlanExprNode, { op: "ref" }>["scope"], name: string, by?: string): number {
    return this.push({ op: "ref", scope, name, ...(by !== undefined ? { by } : {}) });
  }

  call(fn: string, args: number[], state?: string): number {
    return this.push({ op: "call", fn, args, ...(state !== undefined ? { state } : {}) });
  }

  binary(operator: PlanBinaryOperator, left: number, right: number): number {
    return this.push({ op: "binary", operator, left, right });
  }

  unary(operator: "-" | "not", operand: number): number {
    return this.push({ op: "unary", operator, operand });
  }

  /** Copies a whole expression in (its indices shifted); returns the index of its root. */
  append(expr: PlanExpr): number {
    const offset = this.nodes.length;
    const shift = (i: number) => i + offset;
    for (const node of expr.nodes) {
      switch (node.op) {
        case "call":
          this.nodes.push({ ...node, args: node.args.map(shift) });
          break;
        case "binary":
          this.nodes.push({ ...node, left: shift(node.left), right: shift(node.right) });
          break;
        case "unary":
          this.nodes.push({ ...node, operand: shift(node.operand) });
          break;
        default:
          this.nodes.push({ ...node });
      }
    }
    return this.nodes.length - 1;
  }

  /** The expression whose root is the last node added. */
  build(): PlanExpr {
    if (this.nodes.length === 0) throw new Error("an empty plan expression");
    return { nodes: this.nodes };
  }

  private push(node: PlanExprNode): number {
    return this.nodes.push(node) - 1;
  }
}

/** A one-node expression: a literal. */
export function literalExpr(value: number | string | boolean | null): PlanExpr {
  return { nodes: [{ op: "lit", value }] };
}

/** The root node (the last one). */
export function planExprRoot(expr: PlanExpr): PlanExprNode {
  const root = expr.nodes[expr.nodes.length - 1];
  if (!root) throw new Error("an empty plan expression");
  return root;
}

/** A node's children (node indices), in argument order. */
export function planExprChildren(node: PlanExprNode): readonly number[] {
  switch (node.op) {
    case "call":
      return node.args;
    case "binary":
      return [node.left, node.right];
    case "unary":
      return [node.operand];
    default:
      return NO_CHILDREN;
  }
}

const NO_CHILDREN: readonly number[] = [];

export interface FoldOptions {
  /**
   * The children whose values `visit` receives (default: all of them). A child left out
   * is not evaluated, nor is anything below it: a stateful call reads its later arguments
   * (`bucketize` edges, the `impute` strategy) as nodes, not as values.
   */
  operands?: (node: PlanExprNode) => readonly number[];
}

/**
 * Evaluates an expression bottom-up in one pass over the nodes: `visit` gets each node
 * with its operands' values and returns the node's value; the root's value is returned.
 * A child's value is released once its parent has it, so at most as many values are
 * alive as a recursive evaluation would hold on its stack.
 */
export function foldPlanExpr<T>(
  expr: PlanExpr,
  visit: (node: PlanExprNode, operands: T[], index: number) => T,
  options: FoldOptions = {},
): T {
  const { nodes } = expr;
  const last = nodes.length - 1;
  if (last < 0) throw new Error("an empty plan expression");
  const operandsOf = options.operands ?? planExprChildren;
  const needed = new Uint8Array(nodes.length);
  needed[last] = 1;
  for (let i = last; i >= 0; i--) {
    if (needed[i] === 0) continue;
    for (const child of operandsOf(nodes[i]!)) {
      if (!(child >= 0 && child < i)) throw new Error(`plan expression node ${i} refers to node ${child}, not an earlier one`);
      needed[child] = 1;
    }
  }
  const values: Array<T | undefined> = new Array(nodes.length);
  for (let i = 0; i <= last; i++) {
    if (needed[i] === 0) continue;
    const node = nodes[i]!;
    const operands = operandsOf(node).map((child) => {
      const value = values[child] as T;
      values[child] = undefined;
      return value;
    });
    values[i] = visit(node, operands, i);
  }
  return values[last] as T;
}

/**
 * Why `expr` is not a well-formed flat expression (undefined when it is): nodes must
 * exist, children must be earlier nodes, and each node but the last must have exactly
 * one parent.
 */
export function planExprProblem(expr: PlanExpr): string | undefined {
  const { nodes } = expr;
  if (nodes.length === 0) return "an expression needs at least one node";
  const parents = new Uint32Array(nodes.length);
  for (let i = 0; i < nodes.length; i++) {
    for (const child of planExprChildren(nodes[i]!)) {
      if (!Number.isInteger(child) || child < 0 || child >= i) return `node ${i} refers to node ${child}: children must be earlier nodes`;
      if (++parents[child]! > 1) return `node ${child} has more than one parent: an expression is a tree`;
    }
  }
  for (let i = 0; i < nodes.length - 1; i++) if (parents[i] === 0) return `node ${i} is not used: the last node is the root`;
  return undefined;
}

/** Names an expression refers to in one scope, in node order, each once. */
export function planExprRefs(expr: PlanExpr, scope: Extract<PlanExprNode, { op: "ref" }>["scope"]): string[] {
  const names = new Set<string>();
  for (const node of expr.nodes) if (node.op === "ref" && node.scope === scope) names.add(node.name);
  return [...names];
}

/** The expression in the language's syntax (`standardize(amount) > 2 or is_night`), for reports and diffs. */
export function printPlanExpr(expr: PlanExpr): string {
  return foldPlanExpr<Printed>(expr, printNode).text;
}

interface Printed {
  text: string;
  precedence: number;
}

function printNode(node: PlanExprNode, operands: readonly Printed[]): Printed {
  switch (node.op) {
    case "lit":
      return { text: literalText(node.value), precedence: ATOM };
    case "ref": {
      const name = node.scope === "champion" ? `champion.${node.name}` : node.name;
      return { text: node.by !== undefined ? `${name}(by = ${node.by})` : name, precedence: ATOM };
    }
    case "call":
      if (node.fn === "list") return { text: `[${operands.map((o) => o.text).join(", ")}]`, precedence: ATOM };
      return { text: `${node.fn}(${operands.map((o) => o.text).join(", ")})`, precedence: ATOM };
    case "unary": {
      const own = node.operator === "not" ? 3 : 7;
      const operand = parenthesize(operands[0]!, own, false);
      return { text: node.operator === "not" ? `not ${operand}` : `-${operand}`, precedence: own };
    }
    case "binary": {
      const own = BINARY_PRECEDENCE[node.operator];
      const left = parenthesize(operands[0]!, own, own === 4);
      const right = parenthesize(operands[1]!, own, true);
      return { text: `${left} ${node.operator} ${right}`, precedence: own };
    }
  }
}

const ATOM = 8;

const BINARY_PRECEDENCE: Record<PlanBinaryOperator, number> = {
  or: 1,
  and: 2,
  "==": 4,
  "!=": 4,
  "<": 4,
  "<=": 4,
  ">": 4,
  ">=": 4,
  "+": 5,
  "-": 5,
  "*": 6,
  "/": 6,
};

function parenthesize(operand: Printed, parent: number, strict: boolean): string {
  const needs = operand.precedence < parent || (strict && operand.precedence === parent);
  return needs ? `(${operand.text})` : operand.text;
}

function literalText(value: number | string | boolean | null): string {
  if (typeof value === "string") return JSON.stringify(value);
  return String(value);
}
