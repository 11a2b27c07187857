/** `features X from S { name = expr ... }`: feature expression typing, stateful functions, cycles. */
import type { ProgramFile } from "../program/source-files.js";
import type { CallExpr, Expr, FieldMember, Identifier, MemberExpr } from "../syntax/ast.js";
import { FEATURE_FUNCTIONS, IMPUTE_STRATEGIES, STATEFUL_FUNCTIONS } from "./catalog.js";
import type { DeclContext } from "./context.js";
import type { ExprScope } from "./expressions.js";
import { ExprTyper, expectArgs } from "./expressions.js";
import type { ColumnInfo, FeatureInfo, FeatureSetInfo, SourceInfo } from "./infos.js";
import type { MergedDecl } from "./merge.js";
import { unwrapParens } from "./merge.js";
import { lookupBlock, suggestion } from "./resolve.js";
import type { BlockSymbol } from "./symbols.js";
import type { Type } from "./types.js";
import { BOOL, FLOAT, INT, STRING, UNKNOWN, isCategorical, isNullable, isNumeric, isTemporal, nonNull, typeToString } from "./types.js";

/** The columns of a source declaration, through its result (records the dependency). */
export function sourceColumns(ctx: DeclContext, source: BlockSymbol): Map<string, ColumnInfo> {
  const result = ctx.checker.result(source);
  ctx.use(result, `decl:${source.name}`);
  return result.info.kind === "source" ? (result.info as SourceInfo).columns : new Map();
}

export function columnSymbol(source: string, c: ColumnInfo) {
  return {
    key: `column:${source}.${c.name}`,
    kind: "column" as const,
    name: c.name,
    container: source,
    file: c.file.path,
    span: c.node.name.span,
    type: c.type,
    ...(c.doc ? { doc: c.doc } : {}),
  };
}

export function featureSymbol(set: string, f: { name: string; member: FieldMember; file: ProgramFile; type?: Type; doc?: string }) {
  return {
    key: `feature:${set}.${f.name}`,
    kind: "feature" as const,
    name: f.name,
    container: set,
    file: f.file.path,
    span: f.member.name.span,
    ...(f.type ? { type: f.type } : {}),
    ...(f.doc ? { doc: f.doc } : {}),
  };
}

interface Pending {
  name: string;
  member: FieldMember;
  file: ProgramFile;
  state: "new" | "active" | "done";
  type: Type;
  stateful: boolean;
  columns: Set<string>;
  features: Set<string>;
  inCycle: boolean;
}

export function checkFeatureSet(ctx: DeclContext, merged: MergedDecl): FeatureSetInfo {
  const symbol = merged.symbol;
  const decl = symbol.node;
  const fromId = decl.from ?? merged.chain.map((s) => s.node.from).find((f) => f !== undefined);
  let source: BlockSymbol | undefined;
  let columns = new Map<string, ColumnInfo>();
  if (!fromId) {
    if (!symbol.isTemplate)
      ctx.report(
        symbol.file,
        "missing-field",
        decl.name.span,
        `feature set \`${symbol.name}\` needs a source: \`features ${symbol.name} from SOURCE { ... }\``,
      );
  } else {
    source = lookupBlock(
      ctx,
      fromId === decl.from ? symbol.file : merged.chain.find((s) => s.node.from === fromId)!.file,
      fromId,
      "source",
      "the source a feature set reads",
    );
    if (source) columns = sourceColumns(ctx, source);
  }
  const pending = new Map<string, Pending>();
  for (const field of merged.fields.values()) {
    pending.set(field.name, {
      name: field.name,
      member: field.member,
      file: field.value.owner.file,
      state: "new",
      type: UNKNOWN,
      stateful: false,
      columns: new Set(),
      features: new Set(),
      inCycle: false,
    });
  }
  reportDuplicateFeatures(ctx, symbol);
  if (pending.size === 0 && !symbol.isTemplate && decl.members.length === 0) {
    // a model of it would have no inputs: the plan cannot describe it, and training would fail at run time
    ctx.report(symbol.file, "missing-field", decl.name.span, `feature set \`${symbol.name}\` has no features`, [
      "add one: `name = expression` over the source's columns",
    ]);
  }
  const stack: Pending[] = [];
  const order: string[] = [];
  const sourceName = source?.name;

  const typeFeature = (p: Pending): Type => {
    if (p.state === "done") return p.type;
    if (p.state === "active") {
      const from = stack.indexOf(p);
      for (const q of stack.slice(from)) q.inCycle = true;
      return UNKNOWN;
    }
    p.state = "active";
    stack.push(p);
    const scope = featureScope(ctx, p, pending, columns, sourceName, symbol.name, typeFeature);
    const typer = new ExprTyper(ctx, p.file, scope);
    typer.labelBase = p.name;
    const t = typer.type(p.member.value);
    stack.pop();
    p.state = "done";
    p.type = p.inCycle ? UNKNOWN : t;
    p.stateful = p.stateful || containsStateful(p.member.value);
    if (!p.inCycle) order.push(p.name);
    return p.type;
  };
  for (const p of pending.values()) typeFeature(p);

  const features = new Map<string, FeatureInfo>();
  for (const p of pending.values()) {
    if (p.inCycle) {
      const others = [...pending.values()]
        .filter((q) => q.inCycle && q !== p && (q.features.has(p.name) || p.features.has(q.name)))
        .map((q) => `\`${q.name}\``);
      ctx.report(
        p.file,
        "cyclic-reference",
        p.member.name.span,
        `feature \`${p.name}\` depends on itself${others.length ? ` through ${others.join(", ")}` : ""}`,
        ["a feature may use other features only without a cycle"],
      );
    }
    const info: FeatureInfo = {
      name: p.name,
      type: p.type,
      expr: p.member.value,
      member: p.member,
      file: p.file,
      stateful: p.stateful,
      columns: [...p.columns].sort(),
      features: [...p.features],
      ...(p.member.doc ? { doc: p.member.doc } : {}),
    };
    features.set(p.name, info);
    ctx.reference(p.file, p.member.name.span, featureSymbol(symbol.name, { ...info }));
  }
  // Transitive column sets and statefulness through other features.
  for (const name of order) {
    const f = features.get(name)!;
    const cols = new Set(f.columns);
    for (const dep of f.features) {
      const d = features.get(dep);
      if (!d) continue;
      for (const c of d.columns) cols.add(c);
      if (d.stateful) f.stateful = true;
    }
    f.columns = [...cols].sort();
  }
  return { kind: "features", ...(sourceName ? { source: sourceName } : {}), features, order };
}

function reportDuplicateFeatures(ctx: DeclContext, symbol: BlockSymbol): void {
  const seen = new Set<string>();
  for (const m of symbol.node.members) {
    if (m.kind !== "Field") {
      ctx.report(symbol.file, "type-mismatch", m.span, "a feature set holds only `name = expression` features");
      continue;
    }
    if (seen.has(m.name.name))
      ctx.report(symbol.file, "duplicate-declaration", m.name.span, `feature \`${m.name.name}\` is declared twice in \`${symbol.name}\``);
    seen.add(m.name.name);
  }
}

function containsStateful(root: Expr): boolean {
  const stack = [root];
  while (stack.length > 0) {
    const e = unwrapParens(stack.pop()!);
    if (e.kind === "Call") {
      if (e.callee.kind === "Name" && STATEFUL_FUNCTIONS.has(e.callee.name.name)) return true;
      for (const a of e.args) stack.push(a.value);
    } else if (e.kind === "Binary") stack.push(e.left, e.right);
    else if (e.kind === "Unary") stack.push(e.operand);
  }
  return false;
}

function featureScope(
  ctx: DeclContext,
  self: Pending,
  pending: Map<string, Pending>,
  columns: Map<string, ColumnInfo>,
  sourceName: string | undefined,
  setName: string,
  typeFeature: (p: Pending) => Type,
): ExprScope {
  const resolve = (typer: ExprTyper, id: Identifier): Type | undefined => {
    const feature = pending.get(id.name);
    if (feature && feature !== self) {
      self.features.add(id.name);
      const t = typeFeature(feature);
      if (feature.inCycle) self.inCycle = self.inCycle || pending.get(id.name)!.inCycle;
      ctx.reference(
        typer.file,
        id.span,
        featureSymbol(setName, { name: feature.name, member: feature.member, file: feature.file, type: t }),
      );
      return t;
    }
    const column = columns.get(id.name);
    if (column && sourceName) {
      self.columns.add(id.name);
      ctx.reference(typer.file, id.span, columnSymbol(sourceName, column));
      return column.type;
    }
    if (!sourceName) return UNKNOWN; // the missing source was reported
    return undefined;
  };
  return {
    describe: sourceName ? `a column of source \`${sourceName}\` or a feature of \`${setName}\`` : "known here",
    candidates: () => [...columns.keys(), ...[...pending.keys()].filter((n) => n !== self.name)],
    functions: () => Object.keys(FEATURE_FUNCTIONS),
    hints: (name) => {
      const elsewhere = ctx.checker.table
        .blocksOf("source")
        .filter(
          (s) => s.name !== sourceName && s.node.members.some((m) => m.kind === "Schema" && m.columns.some((c) => c.name.name === name)),
        )
        .map((s) => `\`${s.name}\``);
      return elsewhere.length
        ? [`\`${name}\` is a column of source ${elsewhere.join(", ")}; this feature set reads \`${sourceName}\``]
        : [];
    },
    name: (typer, id) => resolve(typer, id),
    member: (typer, expr: MemberExpr) => {
      if (expr.object.kind === "Name" && expr.object.name.name === sourceName) {
        ctx.reference(typer.file, expr.object.name.span, {
          key: `decl:${sourceName}`,
          kind: "declaration",
          name: sourceName,
          declKind: "source",
          file: ctx.checker.table.block(sourceName)!.file.path,
          span: ctx.checker.table.block(sourceName)!.node.name.span,
        });
        const column = columns.get(expr.property.name);
        if (column) {
          self.columns.add(column.name);
          ctx.reference(typer.file, expr.property.span, columnSymbol(sourceName, column));
          return column.type;
        }
        const { hints, fixes } = suggestion(typer.file, expr.property, columns.keys());
        typer.report(
          "unknown-reference",
          expr.property.span,
          `source \`${sourceName}\` has no column \`${expr.property.name}\``,
          hints,
          fixes,
        );
        return UNKNOWN;
      }
      return undefined;
    },
    call: (typer, call, name) => typeFeatureCall(typer, call, name),
  };
}

const UNARY_FLOAT = new Set(["log", "log1p", "exp", "sqrt", "standardize", "min_max"]);

function numericArg(typer: ExprTyper, arg: Expr, fn: string): Type {
  const t = typer.type(arg);
  if (t.kind === "unknown") return UNKNOWN;
  if (!isNumeric(t)) return typer.expected(arg, `a number for ${fn}(...)`, t);
  if (isNullable(t)) typer.nullable(arg, `${fn}(...)`);
  return nonNull(t);
}

function stringArg(typer: ExprTyper, arg: Expr, fn: string): Type {
  const t = typer.type(arg);
  if (t.kind === "unknown") return UNKNOWN;
  if (t.kind !== "string" && t.kind !== "enum") return typer.expected(arg, `a string for ${fn}(...)`, t);
  if (isNullable(t)) typer.nullable(arg, `${fn}(...)`);
  return nonNull(t);
}

function temporalArg(typer: ExprTyper, arg: Expr, fn: string, timestampOnly: boolean): Type {
  const t = typer.type(arg);
  if (t.kind === "unknown") return UNKNOWN;
  if (!isTemporal(t) || (timestampOnly && t.kind !== "timestamp"))
    return typer.expected(arg, `a ${timestampOnly ? "timestamp" : "timestamp or date"} for ${fn}(...)`, t);
  if (isNullable(t)) typer.nullable(arg, `${fn}(...)`);
  return nonNull(t);
}

function annotateFn(typer: ExprTyper, call: CallExpr, name: string): void {
  const info = FEATURE_FUNCTIONS[name];
  if (info) typer.ctx.annotate(typer.file, call.callee.span, "function", name, info.signature, info.doc);
}

export function typeFeatureCall(typer: ExprTyper, call: CallExpr, name: string): Type | undefined {
  if (!(name in FEATURE_FUNCTIONS)) return undefined;
  annotateFn(typer, call, name);
  const args = call.args.map((a) => a.value);
  if (UNARY_FLOAT.has(name)) {
    if (!expectArgs(typer, call, 1, 1, `${name}(x)`)) return UNKNOWN;
    return numericArg(typer, args[0]!, name).kind === "unknown" ? UNKNOWN : FLOAT;
  }
  switch (name) {
    case "abs":
    case "round": {
      if (!expectArgs(typer, call, 1, 1, `${name}(x)`)) return UNKNOWN;
      const t = numericArg(typer, args[0]!, name);
      return t.kind === "unknown" ? UNKNOWN : name === "round" ? INT : t.kind === "int" ? INT : FLOAT;
    }
    case "clip":
    case "min":
    case "max": {
      const ok =
        name === "clip" ? expectArgs(typer, call, 3, 3, "clip(x, lo, hi)") : expectArgs(typer, call, 2, Infinity, `${name}(a, b, ...)`);
      if (!ok) return UNKNOWN;
      const types = args.map((a) => numericArg(typer, a, name));
      if (types.some((t) => t.kind === "unknown")) return UNKNOWN;
      return types.every((t) => t.kind === "int") ? INT : FLOAT;
    }
    case "coalesce":
      return typeCoalesce(typer, call, args);
    case "is_null":
      if (!expectArgs(typer, call, 1, 1, "is_null(x)")) return UNKNOWN;
      typer.type(args[0]!);
      return BOOL;
    case "if":
      return typeIf(typer, call, args);
    case "lower":
    case "upper":
      if (!expectArgs(typer, call, 1, 1, `${name}(s)`)) return UNKNOWN;
      return stringArg(typer, args[0]!, name).kind === "unknown" ? UNKNOWN : STRING;
    case "len":
      if (!expectArgs(typer, call, 1, 1, "len(s)")) return UNKNOWN;
      return stringArg(typer, args[0]!, name).kind === "unknown" ? UNKNOWN : INT;
    case "contains":
      if (!expectArgs(typer, call, 2, 2, "contains(s, part)")) return UNKNOWN;
      stringArg(typer, args[0]!, name);
      stringArg(typer, args[1]!, name);
      return BOOL;
    case "hour":
      if (!expectArgs(typer, call, 1, 1, "hour(t)")) return UNKNOWN;
      return temporalArg(typer, args[0]!, name, true).kind === "unknown" ? UNKNOWN : INT;
    case "day_of_week":
    case "month":
      if (!expectArgs(typer, call, 1, 1, `${name}(t)`)) return UNKNOWN;
      return temporalArg(typer, args[0]!, name, false).kind === "unknown" ? UNKNOWN : INT;
    case "days_between":
      if (!expectArgs(typer, call, 2, 2, "days_between(a, b)")) return UNKNOWN;
      temporalArg(typer, args[0]!, name, false);
      temporalArg(typer, args[1]!, name, false);
      return INT;
    case "impute":
      return typeImpute(typer, call, args);
    case "one_hot":
      return typeOneHot(typer, call, args);
    case "hash_bucket":
      return typeHashBucket(typer, call, args);
    case "bucketize":
      return typeBucketize(typer, call, args);
  }
  return undefined;
}

function typeCoalesce(typer: ExprTyper, call: CallExpr, args: Expr[]): Type {
  if (!expectArgs(typer, call, 2, Infinity, "coalesce(x, ..., fallback)")) return UNKNOWN;
  const first = typer.type(args[0]!);
  let result: Type = first;
  for (const arg of args.slice(1)) {
    const t = typer.type(arg, first);
    if (t.kind === "unknown" || result.kind === "unknown") continue;
    if (result.kind === "enum" && t.kind === "string") {
      if (!isNullable(first)) continue;
      const lit = unwrapParens(arg);
      if (lit.kind === "String" && !lit.parts && !result.values.includes(lit.value))
        result = { ...result, values: [...result.values, lit.value] };
      continue;
    }
    const joined = join(result, t);
    if (!joined) {
      typer.report(
        "type-mismatch",
        arg.span,
        `coalesce(...) arguments must have one type: ${typeToString(nonNull(result))} and ${typeToString(t)} differ`,
      );
      return UNKNOWN;
    }
    result = joined;
  }
  const last = typer.ctx.exprTypes.get(args[args.length - 1]!);
  return last && isNullable(last) ? result : nonNull(result);
}

/** The common type of two branch values (int and float make float), or undefined. */
function join(a: Type, b: Type): Type | undefined {
  const nullable = isNullable(a) || isNullable(b);
  const na = nonNull(a);
  const nb = nonNull(b);
  if (na.kind === "unknown") return b;
  if (nb.kind === "unknown") return a;
  if (isNumeric(na) && isNumeric(nb)) return { kind: na.kind === "int" && nb.kind === "int" ? "int" : "float", nullable };
  if (na.kind === "enum" && nb.kind === "enum") return { kind: "enum", values: [...new Set([...na.values, ...nb.values])], nullable };
  if ((na.kind === "enum" || na.kind === "string") && (nb.kind === "enum" || nb.kind === "string")) return { kind: "string", nullable };
  if (na.kind === nb.kind && na.kind !== "vector" && na.kind !== "list" && na.kind !== "quantity") return { ...na, nullable } as Type;
  if (na.kind === "quantity" && nb.kind === "quantity" && na.unit === nb.unit) return na;
  return undefined;
}

/** The name `x` of `is_null(x)` / `not is_null(x)`. */
function nullGuard(cond: Expr): { name: string; negated: boolean } | undefined {
  const e = unwrapParens(cond);
  if (e.kind === "Unary" && e.operator === "not") {
    const inner = nullGuard(e.operand);
    return inner ? { ...inner, negated: !inner.negated } : undefined;
  }
  if (e.kind === "Call" && e.callee.kind === "Name" && e.callee.name.name === "is_null" && e.args.length === 1) {
    const arg = unwrapParens(e.args[0]!.value);
    if (arg.kind === "Name") return { name: arg.name.name, negated: false };
  }
  return undefined;
}

function typeIf(typer: ExprTyper, call: CallExpr, args: Expr[]): Type {
  if (!expectArgs(typer, call, 3, 3, "if(condition, then, else)")) return UNKNOWN;
  const c = typer.type(args[0]!);
  if (c.kind !== "unknown" && c.kind !== "bool") typer.expected(args[0]!, "a bool condition for if(...)", c);
  else if (isNullable(c)) typer.nullable(args[0]!, "an if(...) condition");
  const guard = nullGuard(args[0]!);
  const branch = (expr: Expr, nonNullHere: boolean): Type => {
    const added = guard && nonNullHere && !typer.narrowed.has(guard.name);
    if (added) typer.narrowed.add(guard.name);
    const t = typer.type(expr);
    if (added) typer.narrowed.delete(guard.name);
    return t;
  };
  const a = branch(args[1]!, guard?.negated === true);
  const b = branch(args[2]!, guard?.negated === false);
  const joined = join(a, b);
  if (!joined) {
    typer.report("type-mismatch", call.span, `the branches of if(...) have different types: ${typeToString(a)} and ${typeToString(b)}`);
    return UNKNOWN;
  }
  return joined;
}

function typeImpute(typer: ExprTyper, call: CallExpr, args: Expr[]): Type {
  if (!expectArgs(typer, call, 2, 2, "impute(x, mean | median | mode | constant)")) return UNKNOWN;
  const t = typer.type(args[0]!);
  const strategy = unwrapParens(args[1]!);
  if (strategy.kind === "Name") {
    const name = strategy.name.name;
    if (!(name in IMPUTE_STRATEGIES)) {
      const { hints, fixes } = suggestion(typer.file, strategy.name, Object.keys(IMPUTE_STRATEGIES));
      typer.report(
        "unknown-reference",
        strategy.span,
        `\`${name}\` is not an impute strategy: expected mean, median, mode or a constant`,
        hints,
        fixes,
      );
      return nonNull(t);
    }
    typer.ctx.annotate(typer.file, strategy.span, "keyword", name, `impute strategy ${name}`, IMPUTE_STRATEGIES[name]!);
    if ((name === "mean" || name === "median") && t.kind !== "unknown" && !isNumeric(t)) {
      typer.report("type-mismatch", strategy.span, `impute(x, ${name}) needs a numeric x, found ${typeToString(t)}`, [
        "use `mode` or a constant for categorical values",
      ]);
      return UNKNOWN;
    }
    return name === "mean" && t.kind === "int" ? FLOAT : nonNull(t);
  }
  const c = typer.type(strategy, t);
  if (t.kind === "unknown" || c.kind === "unknown") return nonNull(t);
  if (t.kind === "enum" && c.kind === "string") {
    if (strategy.kind === "String" && !strategy.parts && !t.values.includes(strategy.value))
      return { kind: "enum", values: [...t.values, strategy.value], nullable: false };
    return nonNull(t);
  }
  const joined = join(nonNull(t), c);
  if (!joined) {
    typer.report("type-mismatch", strategy.span, `impute constant must be ${typeToString(nonNull(t))}, found ${typeToString(c)}`);
    return UNKNOWN;
  }
  return nonNull(joined);
}

function featureName(typer: ExprTyper, call: CallExpr): string {
  if (typer.labelBase) return typer.labelBase;
  const arg = unwrapParens(call.args[0]!.value);
  return arg.kind === "Name" ? arg.name.name : "x";
}

function typeOneHot(typer: ExprTyper, call: CallExpr, args: Expr[]): Type {
  if (!expectArgs(typer, call, 1, 1, "one_hot(x)")) return UNKNOWN;
  const t = typer.type(args[0]!);
  if (t.kind === "unknown") return { kind: "vector", size: null, nullable: false };
  if (!isCategorical(t) && t.kind !== "int")
    return typer.expected(args[0]!, "a categorical value (enum, string, bool) for one_hot(...)", t);
  const base = featureName(typer, call);
  const nullSlot = isNullable(t) ? ["null"] : [];
  if (t.kind === "enum") {
    const values = [...t.values, ...nullSlot];
    return { kind: "vector", size: values.length, nullable: false, labels: values.map((v) => `${base}=${v}`) };
  }
  if (t.kind === "bool") {
    const values = ["false", "true", ...nullSlot];
    return { kind: "vector", size: values.length, nullable: false, labels: values.map((v) => `${base}=${v}`) };
  }
  return { kind: "vector", size: null, nullable: false };
}

function positiveIntLiteral(expr: Expr): number | undefined {
  const e = unwrapParens(expr);
  return e.kind === "Number" && e.isInteger && e.unit === undefined && e.value >= 1 ? e.value : undefined;
}

function typeHashBucket(typer: ExprTyper, call: CallExpr, args: Expr[]): Type {
  if (!expectArgs(typer, call, 2, 2, "hash_bucket(x, n)")) return UNKNOWN;
  const t = typer.type(args[0]!);
  if (t.kind !== "unknown" && !isCategorical(t) && t.kind !== "int")
    typer.expected(args[0]!, "a categorical value for hash_bucket(...)", t);
  const n = positiveIntLiteral(args[1]!);
  typer.type(args[1]!);
  if (n === undefined) {
    typer.report(
      "type-mismatch",
      args[1]!.span,
      "hash_bucket(x, n): n must be a positive integer literal (the vector size is fixed at compile time)",
    );
    return { kind: "vector", size: null, nullable: false };
  }
  if (n > 1_000_000) typer.report("out-of-range", args[1]!.span, `hash_bucket(x, ${n}): at most 1000000 buckets`);
  return { kind: "vector", size: n, nullable: false };
}

function typeBucketize(typer: ExprTyper, call: CallExpr, args: Expr[]): Type {
  if (!expectArgs(typer, call, 2, 2, "bucketize(x, [edges])")) return UNKNOWN;
  numericArg(typer, args[0]!, "bucketize");
  const edges = unwrapParens(args[1]!);
  if (edges.kind !== "List" || edges.elements.length === 0) {
    typer.report("type-mismatch", args[1]!.span, "bucketize(x, [edges]): edges must be a non-empty list of numbers");
    return { kind: "vector", size: null, nullable: false };
  }
  let prev = -Infinity;
  for (const el of edges.elements) {
    const e = unwrapParens(el);
    const v =
      e.kind === "Number" && !e.unit
        ? e.value
        : e.kind === "Unary" && e.operator === "-" && e.operand.kind === "Number"
          ? -e.operand.value
          : undefined;
    if (v === undefined) {
      typer.report("type-mismatch", el.span, "bucketize edges must be number literals");
      return { kind: "vector", size: null, nullable: false };
    }
    if (v <= prev) {
      typer.report("out-of-range", el.span, "bucketize edges must be strictly increasing");
      return { kind: "vector", size: null, nullable: false };
    }
    prev = v;
  }
  return { kind: "vector", size: edges.elements.length + 1, nullable: false };
}
