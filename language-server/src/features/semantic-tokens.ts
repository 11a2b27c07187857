import type { SemanticTokens, SemanticTokensLegend } from "vscode-languageserver";
import type { BlockDeclaration, BlockKeyword, Expr, Identifier, Node, SourceFile, Span } from "@mlops/compiler";
import type { ParsedDocument } from "../workspace.js";
import { walk } from "@mlops/compiler";

const TYPES = [
  "namespace",
  "type",
  "class",
  "interface",
  "struct",
  "event",
  "parameter",
  "variable",
  "property",
  "enumMember",
  "function",
  "keyword",
  "number",
  "string",
  "operator",
  "unit",
] as const;
const MODIFIERS = ["declaration", "readonly", "defaultLibrary"] as const;

type TokenType = (typeof TYPES)[number];
type TokenModifier = (typeof MODIFIERS)[number];

/** `unit` is this language's own type (the extension declares it with `number` as its super type). */
export const SEMANTIC_TOKENS_LEGEND: SemanticTokensLegend = { tokenTypes: [...TYPES], tokenModifiers: [...MODIFIERS] };

const DECLARATION_TYPE: Record<BlockKeyword, TokenType> = {
  pipeline: "namespace",
  env: "namespace",
  source: "struct",
  features: "namespace",
  model: "class",
  gate: "interface",
  deploy: "type",
  monitor: "event",
  notifier: "event",
};

interface Token {
  start: number;
  length: number;
  type: TokenType;
  modifiers: number;
}

/** What a bare name in a block can mean, as far as the syntax of the known files tells. */
interface Scope {
  declarations: Map<string, BlockKeyword | "param">;
  columns: Set<string>;
  features: Set<string>;
}

/**
 * Tokens for declarations, columns, features, params, units and keywords,
 * resolved from the syntax of this file and the files it can see.
 * `visible` are the other parsed files of the compilation (imports).
 */
export function semanticTokens(doc: ParsedDocument, visible: SourceFile[] = []): SemanticTokens {
  const files = [doc.file, ...visible];
  const declarations = new Map<string, BlockKeyword | "param">();
  const sources = new Map<string, BlockDeclaration>();
  for (const file of files) {
    for (const d of file.declarations) {
      if (d.kind === "Block" && d.name.name) {
        if (!declarations.has(d.name.name)) declarations.set(d.name.name, d.keyword);
        if (d.keyword === "source") sources.set(d.name.name, d);
      } else if (d.kind === "Param" && d.name.name) declarations.set(d.name.name, "param");
    }
  }
  const tokens: Token[] = [];
  const push = (span: Span, type: TokenType, ...mods: TokenModifier[]): void => {
    if (span.end <= span.start) return;
    let modifiers = 0;
    for (const m of mods) modifiers |= 1 << MODIFIERS.indexOf(m);
    tokens.push({ start: span.start, length: span.end - span.start, type, modifiers });
  };

  for (const d of doc.file.declarations) {
    if (d.kind === "Import") {
      if (d.target.kind === "ModulePath") for (const s of d.target.segments) push(s.span, "namespace");
      continue;
    }
    if (d.kind === "Param") {
      push(d.name.span, "parameter", "declaration", "readonly");
      if (d.type) walkTypes(d.type, push);
      if (d.value) expressionTokens(d.value, emptyScope(declarations), push);
      continue;
    }
    push(d.keywordSpan, "keyword");
    push(d.name.span, DECLARATION_TYPE[d.keyword], "declaration");
    if (d.from) push(d.from.span, "struct");
    if (d.extends) push(d.extends.span, DECLARATION_TYPE[d.keyword]);
    const scope = blockScope(d, declarations, sources);
    for (const m of d.members) {
      switch (m.kind) {
        case "Field":
          push(
            m.name.span,
            d.keyword === "features" ? "variable" : d.keyword === "env" ? "parameter" : "property",
            ...(d.keyword === "features" ? (["declaration"] as const) : []),
          );
          expressionTokens(m.value, scope, push);
          break;
        case "Schema":
          for (const c of m.columns) {
            push(c.name.span, "property", "declaration");
            walkTypes(c.type, push);
            for (const mod of c.modifiers) {
              push(mod.name.span, "function", "defaultLibrary");
              for (const a of mod.args ?? []) expressionTokens(a.value, scope, push);
            }
          }
          break;
        case "Expect":
          for (const check of m.checks) expressionTokens(check, scope, push);
          break;
        case "Require":
          expressionTokens(m.condition, scope, push);
          break;
        case "Drift":
          if (m.target.name !== "*") push(m.target.span, m.target.name === "prediction" ? "keyword" : "property");
          expressionTokens(m.rule, scope, push);
          break;
        case "When":
          expressionTokens(m.condition, scope, push);
          expressionTokens(m.action, scope, push);
          break;
      }
    }
  }
  return { data: encode(doc, tokens) };
}

function emptyScope(declarations: Map<string, BlockKeyword | "param">): Scope {
  return { declarations, columns: new Set(), features: new Set() };
}

function blockScope(
  block: BlockDeclaration,
  declarations: Map<string, BlockKeyword | "param">,
  sources: Map<string, BlockDeclaration>,
): Scope {
  const scope = emptyScope(declarations);
  const addColumns = (source: BlockDeclaration | undefined): void => {
    for (const m of source?.members ?? []) if (m.kind === "Schema") for (const c of m.columns) scope.columns.add(c.name.name);
  };
  if (block.keyword === "source") addColumns(block);
  if (block.keyword === "features") {
    if (block.from) addColumns(sources.get(block.from.name));
    for (const m of block.members) if (m.kind === "Field") scope.features.add(m.name.name);
  }
  return scope;
}

function walkTypes(node: Node, push: (span: Span, type: TokenType, ...mods: TokenModifier[]) => void): void {
  walk(node, (n) => {
    if (n.kind === "Type") push(n.name.span, "type", "defaultLibrary");
    else if (n.kind === "Number") numberTokens(n, push);
    else if (n.kind === "String") push(n.span, "string");
  });
}

function numberTokens(n: Extract<Expr, { kind: "Number" }>, push: (span: Span, type: TokenType) => void): void {
  if (!n.unit) return push(n.span, "number");
  const unitStart = n.span.end - n.unit.length;
  push({ start: n.span.start, end: unitStart }, "number");
  push({ start: unitStart, end: n.span.end }, "unit");
}

function expressionTokens(expr: Expr, scope: Scope, push: (span: Span, type: TokenType, ...mods: TokenModifier[]) => void): void {
  walk(expr, (node) => {
    switch (node.kind) {
      case "Number":
        numberTokens(node, push);
        return false;
      case "String":
        if (!node.parts) {
          push(node.span, "string");
          return false;
        }
        for (const part of node.parts) if (part.kind === "Text") push(part.span, "string");
        return true;
      case "Name":
        nameToken(node.name, scope, push);
        return false;
      case "Member":
        memberTokens(node, scope, push);
        return false;
      case "Call":
        if (node.callee.kind === "Name") push(node.callee.name.span, "function", "defaultLibrary");
        else expressionTokens(node.callee, scope, push);
        for (const a of node.args) {
          if (a.name) push(a.name.span, "parameter");
          expressionTokens(a.value, scope, push);
        }
        return false;
      case "Constructor":
        push(node.name.span, "function", "defaultLibrary");
        return true;
      case "RecordField":
        push(node.key.span, "property");
        return true;
      case "Binary":
        if (node.operator === "and" || node.operator === "or") {
          expressionTokens(node.left, scope, push);
          push(node.operatorSpan, "keyword");
          expressionTokens(node.right, scope, push);
          return false;
        }
        return true;
      case "Unary":
        if (node.operator === "not") push({ start: node.span.start, end: node.span.start + 3 }, "keyword");
        return true;
      default:
        return true;
    }
  });
}

function nameToken(id: Identifier, scope: Scope, push: (span: Span, type: TokenType, ...mods: TokenModifier[]) => void): void {
  if (scope.features.has(id.name)) return push(id.span, "variable");
  if (scope.columns.has(id.name)) return push(id.span, "property");
  const kind = scope.declarations.get(id.name);
  if (kind === "param") return push(id.span, "parameter", "readonly");
  if (kind) return push(id.span, DECLARATION_TYPE[kind]);
  push(id.span, "enumMember", "defaultLibrary");
}

function memberTokens(
  node: Extract<Expr, { kind: "Member" }>,
  scope: Scope,
  push: (span: Span, type: TokenType, ...mods: TokenModifier[]) => void,
): void {
  if (node.object.kind === "Name") {
    const head = node.object.name.name;
    if (head === "params") {
      push(node.object.name.span, "keyword");
      return push(node.property.span, "parameter", "readonly");
    }
    if (head === "champion") {
      push(node.object.name.span, "keyword");
      return push(node.property.span, "enumMember", "defaultLibrary");
    }
    const kind = scope.declarations.get(head);
    if (kind && kind !== "param") {
      push(node.object.name.span, DECLARATION_TYPE[kind]);
      return push(node.property.span, kind === "features" ? "variable" : "property");
    }
  }
  expressionTokens(node.object, scope, push);
  push(node.property.span, "property");
}

function encode(doc: ParsedDocument, tokens: Token[]): number[] {
  tokens.sort((a, b) => a.start - b.start || b.length - a.length);
  const data: number[] = [];
  let prevLine = 0;
  let prevChar = 0;
  let lastEnd = -1;
  for (const t of tokens) {
    if (t.start < lastEnd) continue; // never overlap
    const start = doc.lineMap.position(t.start);
    const end = doc.lineMap.position(t.start + t.length);
    if (end.line !== start.line) continue; // tokens never span lines
    data.push(
      start.line - prevLine,
      start.line === prevLine ? start.character - prevChar : start.character,
      t.length,
      TYPES.indexOf(t.type),
      t.modifiers,
    );
    prevLine = start.line;
    prevChar = start.character;
    lastEnd = t.start + t.length;
  }
  return data;
}
