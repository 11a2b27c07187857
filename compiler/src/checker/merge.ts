/**
 * `template` / `extends`: the merged view of a declaration. Fields merge, the
 * child wins, records (and constructors of the same name) merge key by key;
 * statements (`schema`, `expect`, `require`, `drift`, `when`) add up, parent first.
 */
import type { Expr, FieldMember, Identifier, Member, Span } from "../syntax/ast.js";
import type { BlockSymbol } from "./symbols.js";

export interface MergedValue {
  expr: Expr;
  /** The declaration whose text holds `expr` (the child or one of its templates). */
  owner: BlockSymbol;
  /** Records and constructors: their fields, merged key by key. */
  fields?: Map<string, MergedEntry>;
  /** Constructor name (`kubernetes`) when `expr` is a constructor. */
  constructorName?: string;
}

export interface MergedEntry {
  name: string;
  key: Identifier;
  value: MergedValue;
}

export interface MergedField extends MergedEntry {
  member: FieldMember;
}

export interface MergedStatement {
  member: Exclude<Member, FieldMember>;
  owner: BlockSymbol;
}

export interface MergedDecl {
  symbol: BlockSymbol;
  /** The declaration first, then what it extends, transitively. */
  chain: BlockSymbol[];
  fields: Map<string, MergedField>;
  statements: MergedStatement[];
}

export function valueOf(expr: Expr, owner: BlockSymbol): MergedValue {
  const inner = unwrapParens(expr);
  if (inner.kind === "Record") return { expr: inner, owner, fields: entriesOf(inner.fields, owner) };
  if (inner.kind === "Constructor")
    return { expr: inner, owner, fields: entriesOf(inner.body.fields, owner), constructorName: inner.name.name };
  return { expr: inner, owner };
}

function entriesOf(fields: Array<{ key: Identifier; value: Expr }>, owner: BlockSymbol): Map<string, MergedEntry> {
  const out = new Map<string, MergedEntry>();
  for (const f of fields) if (!out.has(f.key.name)) out.set(f.key.name, { name: f.key.name, key: f.key, value: valueOf(f.value, owner) });
  return out;
}

/** `child` over `parent`. */
export function mergeValues(child: MergedValue, parent: MergedValue): MergedValue {
  const bothRecords = child.expr.kind === "Record" && parent.expr.kind === "Record";
  const sameConstructor = child.constructorName !== undefined && child.constructorName === parent.constructorName;
  if (!(bothRecords || sameConstructor) || !child.fields || !parent.fields) return child;
  const fields = new Map(parent.fields);
  for (const [name, entry] of child.fields) {
    const inherited = fields.get(name);
    fields.set(name, inherited ? { ...entry, value: mergeValues(entry.value, inherited.value) } : entry);
  }
  return { ...child, fields };
}

/** The merged declaration of `symbol` over its already merged parent (undefined: no parent). */
export function mergeDecl(symbol: BlockSymbol, parent: MergedDecl | undefined): MergedDecl {
  const fields = new Map<string, MergedField>(parent?.fields ?? []);
  const own = new Set<string>();
  const statements: MergedStatement[] = [...(parent?.statements ?? [])];
  for (const member of symbol.node.members) {
    if (member.kind !== "Field") {
      statements.push({ member, owner: symbol });
      continue;
    }
    const name = member.name.name;
    if (own.has(name)) continue; // duplicate field: reported by the checker, first one wins
    own.add(name);
    const value = valueOf(member.value, symbol);
    const inherited = fields.get(name);
    fields.set(name, { name, key: member.name, member, value: inherited ? mergeValues(value, inherited.value) : value });
  }
  return { symbol, chain: [symbol, ...(parent?.chain ?? [])], fields, statements };
}

export function unwrapParens(expr: Expr): Expr {
  let e = expr;
  while (e.kind === "Paren") e = e.expr;
  return e;
}

export function spanContains(outer: Span, inner: Span): boolean {
  return outer.start <= inner.start && inner.end <= outer.end;
}
