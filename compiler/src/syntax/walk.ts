import type { Node, SourceFile, Span } from "./ast.js";

/** The direct children of a syntax node, in source order. */
export function children(node: Node): Node[] {
  switch (node.kind) {
    case "SourceFile":
      return [...node.declarations];
    case "Block":
      return compact([node.name, node.from, node.extends, ...node.members]);
    case "Param":
      return compact([node.name, node.type, node.value]);
    case "Import":
      return [node.target];
    case "ModulePath":
      return [...node.segments];
    case "Field":
      return [node.name, node.value];
    case "Schema":
      return [...node.columns];
    case "Column":
      return [node.name, node.type, ...node.modifiers];
    case "Modifier":
      return [node.name, ...(node.args ?? [])];
    case "Expect":
      return [...node.checks];
    case "Require":
      return [node.condition];
    case "Drift":
      return [node.target, node.rule];
    case "When":
      return [node.condition, node.action];
    case "Type":
      return [node.name, ...node.typeArgs, ...(node.args ?? [])];
    case "String":
      return (node.parts ?? []).flatMap((part) => (part.kind === "Interpolation" ? [part.expr] : []));
    case "Name":
      return [node.name];
    case "Member":
      return [node.object, node.property];
    case "Call":
      return [node.callee, ...node.args];
    case "Argument":
      return compact([node.name, node.value]);
    case "Constructor":
      return [node.name, node.body];
    case "List":
      return [...node.elements];
    case "Record":
      return [...node.fields];
    case "RecordField":
      return [node.key, node.value];
    case "Binary":
      return [node.left, node.right];
    case "Unary":
      return [node.operand];
    case "Paren":
      return [node.expr];
    default:
      return [];
  }
}

function compact(nodes: Array<Node | undefined>): Node[] {
  return nodes.filter((n): n is Node => n !== undefined).sort((a, b) => a.span.start - b.span.start);
}

/**
 * Calls `visit` on every node of the tree in source order, parents before children; return
 * false to skip a subtree. Iterative: a 1,000-operator chain costs no call stack.
 */
export function walk(node: Node, visit: (node: Node, parent: Node | undefined) => boolean | void, parent?: Node): void {
  const stack: Array<[Node, Node | undefined]> = [[node, parent]];
  while (stack.length > 0) {
    const [current, above] = stack.pop()!;
    if (visit(current, above) === false) continue;
    const kids = children(current);
    for (let i = kids.length - 1; i >= 0; i--) stack.push([kids[i]!, current]);
  }
}

export function contains(span: Span, offset: number, inclusiveEnd = true): boolean {
  return span.start <= offset && (inclusiveEnd ? offset <= span.end : offset < span.end);
}

/**
 * The chain of nodes from the file down to the innermost node whose span
 * contains `offset` (an offset at a node's end counts as inside it, so a
 * cursor right after a name finds the name).
 */
export function nodePathAt(file: SourceFile, offset: number): Node[] {
  const path: Node[] = [file];
  let current: Node = file;
  for (;;) {
    const kids = children(current);
    let next: Node | undefined;
    for (const kid of kids) {
      if (kid.span.end < kid.span.start) continue;
      if (contains(kid.span, offset)) {
        next = kid;
        if (offset < kid.span.end) break; // prefer a node the offset is strictly inside
      }
    }
    if (!next) return path;
    path.push(next);
    current = next;
  }
}
