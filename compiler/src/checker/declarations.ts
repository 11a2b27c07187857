/** Checking one declaration: dispatch by kind, `extends` merging, the fields every block kind shares. */
import type { Fix } from "../diagnostics/diagnostic.js";
import type { ProgramFile } from "../program/source-files.js";
import type { TypeNode } from "../syntax/ast.js";
import { AGGREGATES } from "./catalog.js";
import type { DeclContext } from "./context.js";
import { checkDeployment } from "./deployments.js";
import { ExprTyper, expectArgs } from "./expressions.js";
import type { ExprScope } from "./expressions.js";
import { checkFeatureSet } from "./features.js";
import { checkGate } from "./gates.js";
import type { ColumnInfo, DeclInfo, EnvInfo, ParamInfo, SourceInfo } from "./infos.js";
import type { MergedDecl } from "./merge.js";
import { mergeDecl, unwrapParens, valueOf } from "./merge.js";
import { checkModel } from "./models.js";
import { checkMonitor } from "./monitors.js";
import { checkNotifier } from "./notifiers.js";
import { declarationSymbol, declaredNames, lookupParam, paramSymbol, suggestion } from "./resolve.js";
import type { FieldSpec, Slot } from "./schema.js";
import { checkExecution } from "./execution.js";
import { BLOCK_FIELDS, BLOCK_STATEMENTS, slotToString } from "./schema.js";
import type { BlockSymbol, ParamSymbol } from "./symbols.js";
import type { Type } from "./types.js";
import { DECL_KIND_NAMES, FLOAT, INT, UNKNOWN, isNumeric, quantity, typeToString } from "./types.js";
import type { ValueChecker } from "./values.js";
import { checkValue, numberLiteral, placeholder, typoTargets } from "./values.js";
import { columnSymbol } from "./features.js";

export function checkDeclaration(ctx: DeclContext): DeclInfo {
  const symbol = ctx.symbol;
  if (symbol.kind === "param") return checkParam(ctx, symbol);
  ctx.reference(symbol.file, symbol.node.name.span, declarationSymbol(symbol));
  if (symbol.declKind === "env") return checkEnv(ctx, symbol);
  const merged = mergedDecl(ctx, symbol);
  ctx.merged = merged;
  const vc: ValueChecker = { ctx, partial: symbol.isTemplate };
  checkStatementsAllowed(ctx, merged);
  if (symbol.declKind === "features") {
    if (symbol.node.from && symbol.declKind !== "features")
      ctx.report(symbol.file, "type-mismatch", symbol.node.from.span, "`from` belongs to feature sets");
    return checkFeatureSet(ctx, merged);
  }
  if (symbol.node.from)
    ctx.report(
      symbol.file,
      "type-mismatch",
      symbol.node.from.span,
      `\`from\` belongs to feature sets, not to a ${DECL_KIND_NAMES[symbol.declKind]}`,
    );
  const specials = checkFields(vc, merged, BLOCK_FIELDS[symbol.declKind]);
  if (symbol.declKind === "pipeline" || symbol.declKind === "model") checkExecution(vc, merged);
  switch (symbol.declKind) {
    case "source":
      return checkSource(ctx, merged);
    case "model":
      return checkModel(vc, merged);
    case "gate":
      return checkGate(vc, merged);
    case "deploy":
      return checkDeployment(vc, merged);
    case "monitor":
      return checkMonitor(vc, merged, specials);
    case "notifier":
      return checkNotifier(merged);
    default:
      return { kind: "none" };
  }
}

/** The declaration merged over the templates it extends; reports unknown, wrong-kind and cyclic `extends`. */
function mergedDecl(ctx: DeclContext, symbol: BlockSymbol): MergedDecl {
  const ext = symbol.node.extends;
  if (!ext) return mergeDecl(symbol, undefined);
  if (symbol.declKind === "pipeline" || symbol.declKind === "env") {
    ctx.report(symbol.file, "type-mismatch", ext.span, `a ${symbol.declKind} cannot extend anything`);
    return mergeDecl(symbol, undefined);
  }
  ctx.dependOn(`decl:${ext.name}`);
  const parent = ctx.checker.table.block(ext.name);
  if (!parent) {
    const { hints, fixes } = suggestion(symbol.file, ext, declaredNames(ctx, [symbol.declKind], true));
    ctx.report(symbol.file, "unknown-reference", ext.span, `no template is named \`${ext.name}\``, hints, fixes);
    return mergeDecl(symbol, undefined);
  }
  ctx.reference(symbol.file, ext.span, declarationSymbol(parent));
  if (parent.declKind !== symbol.declKind) {
    ctx.report(
      symbol.file,
      "type-mismatch",
      ext.span,
      `\`${ext.name}\` is a ${DECL_KIND_NAMES[parent.declKind]}; a ${DECL_KIND_NAMES[symbol.declKind]} can only extend a ${DECL_KIND_NAMES[symbol.declKind]} template`,
    );
    return mergeDecl(symbol, undefined);
  }
  if (extendsCycle(ctx, symbol)) {
    ctx.report(symbol.file, "cyclic-reference", ext.span, `\`${symbol.name}\` extends itself through \`${ext.name}\``, [
      "templates must not extend each other in a circle",
    ]);
    return mergeDecl(symbol, undefined);
  }
  const parentResult = ctx.checker.result(parent);
  ctx.use(parentResult, `decl:${parent.name}`);
  return mergeDecl(symbol, parentResult.merged);
}

function extendsCycle(ctx: DeclContext, symbol: BlockSymbol): boolean {
  const seen = new Set<BlockSymbol>();
  let current: BlockSymbol | undefined = symbol;
  while (current?.node.extends) {
    if (seen.has(current)) return false;
    seen.add(current);
    ctx.dependOn(`decl:${current.node.extends.name}`);
    current = ctx.checker.table.block(current.node.extends.name);
    if (current === symbol) return true;
  }
  return false;
}

const STATEMENT_NAMES: Record<string, string> = { Schema: "schema", Expect: "expect", Require: "require", Drift: "drift", When: "when" };
const STATEMENT_HOME: Record<string, string> = {
  Schema: "sources",
  Expect: "sources",
  Require: "gates",
  Drift: "monitors",
  When: "monitors",
};

function checkStatementsAllowed(ctx: DeclContext, merged: MergedDecl): void {
  const kind = merged.symbol.declKind;
  if (kind === "features") return;
  for (const s of merged.symbol.node.members) {
    if (s.kind === "Field") continue;
    if (!BLOCK_STATEMENTS[kind].includes(s.kind)) {
      ctx.report(
        merged.symbol.file,
        "unknown-field",
        s.span,
        `\`${STATEMENT_NAMES[s.kind]}\` does not belong in a ${DECL_KIND_NAMES[kind]} (it belongs in ${STATEMENT_HOME[s.kind]})`,
      );
    }
  }
}

/** Slots whose values the block kind's own check reads (they name columns of other declarations). */
const SPECIAL_SLOTS = new Set<Slot["kind"]>(["model-features", "target-column", "reference", "labels", "input-column"]);

/**
 * The fields of a block against its schema: duplicates, unknown fields, values,
 * missing required fields. Returns the fields whose slots need the block kind's own check.
 */
export function checkFields(vc: ValueChecker, merged: MergedDecl, specs: FieldSpec[]): Map<string, FieldSpec> {
  const ctx = vc.ctx;
  const symbol = merged.symbol;
  const kindName = DECL_KIND_NAMES[symbol.declKind];
  const seen = new Set<string>();
  for (const m of symbol.node.members) {
    if (m.kind !== "Field") continue;
    if (seen.has(m.name.name))
      ctx.report(
        symbol.file,
        "duplicate-declaration",
        m.name.span,
        `field \`${m.name.name}\` is set twice in ${kindName} \`${symbol.name}\``,
      );
    seen.add(m.name.name);
  }
  const specials = new Map<string, FieldSpec>();
  for (const field of merged.fields.values()) {
    const spec = specs.find((s) => s.name === field.name);
    const file = field.value.owner.file;
    if (!spec) {
      const names = specs.map((s) => s.name);
      const { hints, fixes } = suggestion(file, field.key, names);
      if (!hints.length) hints.push(`fields of a ${kindName}: ${names.join(", ") || "(none)"}`);
      ctx.report(file, "unknown-field", field.key.span, `a ${kindName} has no field \`${field.name}\``, hints, fixes);
      continue;
    }
    ctx.annotate(
      file,
      field.key.span,
      "field",
      field.name,
      `${kindName}.${field.name}: ${slotToString(spec.slot)}${spec.required ? " (required)" : spec.default ? ` = ${spec.default}` : ""}`,
      spec.doc,
    );
    // a model's `trainer` may be a list (candidates of a search): models.ts checks it
    const ownCheck = symbol.declKind === "model" && field.name === "trainer";
    if (ownCheck || SPECIAL_SLOTS.has(spec.slot.kind)) {
      specials.set(field.name, spec);
      continue;
    }
    checkValue(vc, field.value, spec.slot, field.name);
  }
  if (!symbol.isTemplate) {
    const typos = typoTargets([...merged.fields.keys()], specs);
    for (const spec of specs) {
      if (!spec.required || merged.fields.has(spec.name) || typos.has(spec.name)) continue;
      ctx.report(
        symbol.file,
        "missing-field",
        symbol.node.name.span,
        `${kindName} \`${symbol.name}\` is missing the required field \`${spec.name}\` (${slotToString(spec.slot)})`,
        [spec.doc],
        addFieldFix(symbol, spec),
      );
    }
  }
  return specials;
}

/**
 * `Add X` with a value that needs no context; none for a field whose value depends on the program
 * (a column, a feature set, a declaration): the editor's "add the missing fields" fix proposes those
 * and checks them (services/missing-fields.ts).
 */
function addFieldFix(symbol: BlockSymbol, spec: FieldSpec): Fix[] {
  const value = placeholder(spec.slot);
  if (value === "") return [];
  const file = symbol.file;
  const close = symbol.node.bodySpan.end - 1;
  const lineStart = file.text.lastIndexOf("\n", close - 1) + 1;
  const onOwnLine = file.text.slice(lineStart, close).trim() === "";
  const at = onOwnLine ? lineStart : close;
  const text = onOwnLine ? `  ${spec.name} = ${value}\n` : ` ${spec.name} = ${value} `;
  return [
    { title: `Add \`${spec.name}\``, edits: [{ file: file.path, range: file.lineMap.range({ start: at, end: at }), newText: text }] },
  ];
}

// ---------------------------------------------------------------- types as written

const SCALARS = ["int", "float", "bool", "string", "timestamp", "date"];
const QUANTITIES = ["duration", "cpu", "memory", "ratio"];

/** A written type; `columns` allows only what a data column can hold. */
export function typeFromNode(ctx: DeclContext, file: ProgramFile, node: TypeNode, columns: boolean): Type {
  const name = node.name.name;
  let t: Type | undefined;
  if (SCALARS.includes(name)) t = { kind: name as "int", nullable: node.nullable };
  else if (name === "enum") t = enumType(ctx, file, node);
  else if (!columns && QUANTITIES.includes(name)) t = quantity(name as "ratio");
  else if (!columns && name === "list") {
    const arg = node.typeArgs[0];
    if (arg?.kind !== "Type") {
      ctx.report(file, "type-mismatch", node.span, "list needs an element type: list<string>");
      return UNKNOWN;
    }
    t = { kind: "list", element: typeFromNode(ctx, file, arg, false) };
  }
  if (!t) {
    const allowed = columns ? [...SCALARS, "enum"] : [...SCALARS, ...QUANTITIES, "enum", "list"];
    if (!columns || !QUANTITIES.includes(name)) {
      const { hints, fixes } = suggestion(file, node.name, allowed);
      ctx.report(
        file,
        "unknown-reference",
        node.name.span,
        `\`${name}\` is not a ${columns ? "column " : ""}type`,
        hints.length ? hints : [`types: ${allowed.join(", ")}`],
        fixes,
      );
    } else {
      ctx.report(file, "type-mismatch", node.name.span, `a column cannot be a ${name}; columns are ${allowed.join(", ")}`);
    }
    return UNKNOWN;
  }
  if (node.nullable && !columns && t.kind !== "unknown") {
    ctx.report(file, "type-mismatch", node.span, "a param cannot be nullable");
  }
  return t;
}

function enumType(ctx: DeclContext, file: ProgramFile, node: TypeNode): Type {
  const values: string[] = [];
  for (const arg of node.args ?? []) {
    const e = unwrapParens(arg);
    if (e.kind !== "String" || e.parts) {
      ctx.report(file, "type-mismatch", arg.span, 'enum values are string literals: enum("a", "b")');
      continue;
    }
    if (values.includes(e.value)) ctx.report(file, "duplicate-declaration", arg.span, `enum value "${e.value}" is listed twice`);
    else values.push(e.value);
  }
  if (values.length === 0) {
    ctx.report(file, "type-mismatch", node.span, 'an enum needs at least one value: enum("a", "b")');
    return UNKNOWN;
  }
  return { kind: "enum", values, nullable: node.nullable };
}

/** The slot a value of a declared param type must fit. */
export function slotOfType(t: Type): Slot | undefined {
  switch (t.kind) {
    case "int":
      return { kind: "int" };
    case "float":
      return { kind: "number" };
    case "bool":
      return { kind: "bool" };
    case "string":
    case "enum":
      return { kind: "string" };
    case "quantity":
      return t.unit === "ratio" ? { kind: "quantity", unit: "ratio", min: 0, max: 1 } : { kind: "quantity", unit: t.unit };
    case "list": {
      const el = slotOfType(t.element);
      return el ? { kind: "list", element: el } : undefined;
    }
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------- params and envs

function checkParam(ctx: DeclContext, symbol: ParamSymbol): ParamInfo {
  const node = symbol.node;
  const file = symbol.file;
  ctx.reference(file, node.name.span, paramSymbol(symbol));
  if (!node.type) {
    ctx.report(file, "missing-field", node.name.span, `param \`${symbol.name}\` needs a type: \`param ${symbol.name}: TYPE = VALUE\``);
    return { kind: "param", type: UNKNOWN, typeText: "unknown" };
  }
  const type = typeFromNode(ctx, file, node.type, false);
  const typeText = file.text.slice(node.type.span.start, node.type.span.end);
  if (!node.value) {
    ctx.report(
      file,
      "missing-field",
      node.name.span,
      `param \`${symbol.name}\` needs a default value: \`param ${symbol.name}: ${typeText} = VALUE\``,
    );
    return { kind: "param", type, typeText };
  }
  checkParamValue(ctx, file, node.value, type, `param \`${symbol.name}\``);
  return { kind: "param", type, typeText, value: node.value };
}

function checkParamValue(ctx: DeclContext, file: ProgramFile, value: import("../syntax/ast.js").Expr, type: Type, what: string): void {
  if (type.kind === "unknown") return;
  const slot = slotOfType(type);
  if (!slot) return;
  const e = unwrapParens(value);
  if (e.kind === "Member" && e.object.kind === "Name" && e.object.name.name === "params") {
    ctx.report(file, "type-mismatch", value.span, `${what} must be a literal, not another param`);
    return;
  }
  const vc: ValueChecker = { ctx, partial: false };
  const owner = ownerOf(ctx);
  checkValue(vc, { ...valueOf(value, owner) }, slot, what);
  if (type.kind === "enum") {
    const typer = new ExprTyper(ctx, file, emptyScope);
    typer.checkEnumLiteral(value, type.values);
  }
}

function ownerOf(ctx: DeclContext): BlockSymbol {
  const s = ctx.symbol;
  if (s.kind === "block") return s;
  return {
    kind: "block",
    declKind: "env",
    name: s.name,
    isTemplate: false,
    file: s.file,
    node: {
      kind: "Block",
      keyword: "env",
      keywordSpan: s.node.span,
      isTemplate: false,
      name: s.node.name,
      members: [],
      bodySpan: s.node.span,
      span: s.node.span,
    },
  };
}

const emptyScope: ExprScope = {
  describe: "known here",
  candidates: () => [],
  functions: () => [],
  name: () => undefined,
  call: () => undefined,
};

function checkEnv(ctx: DeclContext, symbol: BlockSymbol): EnvInfo {
  const overrides: EnvInfo["overrides"] = new Map();
  if (symbol.isTemplate) ctx.report(symbol.file, "type-mismatch", symbol.node.keywordSpan, "an env cannot be a template");
  for (const m of symbol.node.members) {
    if (m.kind !== "Field") {
      ctx.report(symbol.file, "unknown-field", m.span, "an env block only overrides params: `NAME = value`");
      continue;
    }
    if (overrides.has(m.name.name)) {
      ctx.report(
        symbol.file,
        "duplicate-declaration",
        m.name.span,
        `param \`${m.name.name}\` is overridden twice in env \`${symbol.name}\``,
      );
      continue;
    }
    const found = lookupParam(ctx, symbol.file, m.name);
    overrides.set(m.name.name, { expr: m.value, key: m.name });
    if (!found) continue;
    checkParamValue(ctx, symbol.file, m.value, found.info.type, `param \`${m.name.name}\` in env \`${symbol.name}\``);
  }
  return { kind: "env", overrides };
}

// ---------------------------------------------------------------- sources

/** What a source needs depends on its format: a `path` for files, a `query` and `connection.url` for PostgreSQL. */
function checkSourceLocation(ctx: DeclContext, merged: MergedDecl): void {
  if (merged.symbol.isTemplate) return;
  const format = merged.fields.get("format");
  const isQuery = format?.value.expr.kind === "Name" && format.value.expr.name.name === "postgres";
  const name = merged.symbol.name;
  const missing = (field: string, why: string): void =>
    ctx.report(
      merged.symbol.file,
      "missing-field",
      merged.symbol.node.name.span,
      `source \`${name}\` is missing the required field \`${field}\``,
      [why],
    );
  if (!format) return;
  if (!isQuery) {
    if (!merged.fields.has("path")) missing("path", "a file source reads `path` (relative to this file, or an s3:// URL)");
    const query = merged.fields.get("query");
    if (query)
      ctx.report(query.value.owner.file, "unknown-field", query.key.span, "`query` belongs to `format = postgres` sources", [
        "a file source reads `path`",
      ]);
    return;
  }
  if (!merged.fields.has("query")) missing("query", 'a postgres source runs `query = "select ..."`');
  const connection = merged.fields.get("connection");
  const url = connection?.value.fields?.get("url");
  if (!url) missing("connection", 'a postgres source connects with `connection = { url = secret("name", "url") }`');
  const written = url && unwrapParens(url.value.expr);
  if (written?.kind === "String" && /:\/\/[^/@:]+:[^/@]*@/.test(written.value))
    ctx.report(
      url!.value.owner.file,
      "secret-exposure",
      written.span,
      "a password in `connection.url` would be stored in the plan and shown in logs",
      ['put the URL in a secret: `url = secret("warehouse", "url")`'],
    );
  const path = merged.fields.get("path");
  if (path)
    ctx.report(
      path.value.owner.file,
      "unknown-field",
      path.key.span,
      "a postgres source has no `path`: its data is the result of `query`",
      ["remove `path`"],
    );
}

function checkSource(ctx: DeclContext, merged: MergedDecl): SourceInfo {
  checkSourceLocation(ctx, merged);
  const columns = new Map<string, ColumnInfo>();
  const schemas = merged.statements.filter((s) => s.member.kind === "Schema");
  if (schemas.length === 0 && !merged.symbol.isTemplate) {
    ctx.report(
      merged.symbol.file,
      "missing-field",
      merged.symbol.node.name.span,
      `source \`${merged.symbol.name}\` is missing its \`schema { column: type ... }\``,
      ["every source declares the columns it reads"],
    );
  }
  for (const { member, owner } of schemas) {
    if (member.kind !== "Schema") continue;
    for (const col of member.columns) {
      const name = col.name.name;
      if (columns.has(name)) {
        ctx.report(
          owner.file,
          "duplicate-declaration",
          col.name.span,
          `column \`${name}\` is declared twice in source \`${merged.symbol.name}\``,
        );
        continue;
      }
      const info = checkColumn(ctx, owner.file, col);
      columns.set(name, info);
      ctx.reference(owner.file, col.name.span, columnSymbol(merged.symbol.name, info));
    }
  }
  for (const { member, owner } of merged.statements) {
    if (member.kind !== "Expect") continue;
    const scope = expectScope(ctx, merged.symbol.name, columns);
    for (const check of member.checks) {
      const typer = new ExprTyper(ctx, owner.file, scope);
      const t = typer.type(check);
      if (t.kind !== "unknown" && t.kind !== "bool")
        ctx.report(
          owner.file,
          "type-mismatch",
          check.span,
          `an expectation must be a condition (e.g. \`row_count >= 1000\`), found ${typeToString(t)}`,
        );
    }
  }
  return { kind: "source", columns };
}

function checkColumn(ctx: DeclContext, file: ProgramFile, col: import("../syntax/ast.js").ColumnDeclaration): ColumnInfo {
  const type = typeFromNode(ctx, file, col.type, true);
  const info: ColumnInfo = { name: col.name.name, type, unique: false, node: col, file, ...(col.doc ? { doc: col.doc } : {}) };
  for (const mod of col.modifiers) {
    const name = mod.name.name;
    if (name === "unique") {
      if (mod.args) ctx.report(file, "type-mismatch", mod.span, "`unique` takes no arguments");
      info.unique = true;
    } else if (name === "range") {
      const args = mod.args ?? [];
      const nums = args.map((a) => numberLiteral(a.value));
      if (args.length !== 2 || nums.some((n) => !n || n.unit)) {
        ctx.report(file, "type-mismatch", mod.span, "range(min, max) takes two numbers");
        continue;
      }
      if (type.kind !== "unknown" && !isNumeric(type))
        ctx.report(file, "type-mismatch", mod.span, `range(...) applies to numeric columns, \`${col.name.name}\` is ${typeToString(type)}`);
      const [min, max] = [nums[0]!.value, nums[1]!.value];
      if (min > max) ctx.report(file, "out-of-range", args[1]!.span, `range(${min}, ${max}): min is greater than max`);
      info.range = { min, max };
    } else {
      const { hints, fixes } = suggestion(file, mod.name, ["unique", "range"]);
      ctx.report(file, "unknown-field", mod.name.span, `\`${name}\` is not a column modifier (unique, range(min, max))`, hints, fixes);
    }
  }
  return info;
}

function expectScope(ctx: DeclContext, sourceName: string, columns: Map<string, ColumnInfo>): ExprScope {
  const columnArg = (typer: ExprTyper, arg: import("../syntax/ast.js").Expr, fn: string, numeric: boolean): Type => {
    const e = unwrapParens(arg);
    if (e.kind !== "Name") {
      typer.report("type-mismatch", arg.span, `${fn}(...) takes a column name`);
      return UNKNOWN;
    }
    const c = columns.get(e.name.name);
    if (!c) {
      const { hints, fixes } = suggestion(typer.file, e.name, columns.keys());
      typer.report("unknown-reference", e.span, `source \`${sourceName}\` has no column \`${e.name.name}\``, hints, fixes);
      return UNKNOWN;
    }
    ctx.reference(typer.file, e.name.span, columnSymbol(sourceName, c));
    ctx.setType(e, c.type);
    if (numeric && c.type.kind !== "unknown" && !isNumeric(c.type)) {
      typer.report("type-mismatch", e.span, `${fn}(...) needs a numeric column; \`${c.name}\` is ${typeToString(c.type)}`);
      return UNKNOWN;
    }
    return c.type;
  };
  return {
    describe: "a dataset aggregate (row_count, null_rate(c), mean(c), ...)",
    candidates: () => Object.keys(AGGREGATES),
    functions: () => Object.keys(AGGREGATES).filter((a) => a !== "row_count"),
    name: (typer, id) => {
      if (id.name === "row_count") {
        ctx.annotate(typer.file, id.span, "aggregate", "row_count", AGGREGATES.row_count!.signature, AGGREGATES.row_count!.doc);
        return INT;
      }
      const c = columns.get(id.name);
      if (c) {
        typer.report("type-mismatch", id.span, `expectations read dataset aggregates; \`${id.name}\` is a column`, [
          `e.g. mean(${id.name}), null_rate(${id.name}), distinct_count(${id.name})`,
        ]);
        return UNKNOWN;
      }
      return undefined;
    },
    call: (typer, call, name) => {
      const agg = AGGREGATES[name];
      if (!agg || name === "row_count") return undefined;
      ctx.annotate(typer.file, call.callee.span, "aggregate", name, agg.signature, agg.doc);
      if (name === "quantile") {
        if (!expectArgs(typer, call, 2, 2, "quantile(c, q)")) return UNKNOWN;
        columnArg(typer, call.args[0]!.value, name, true);
        const q = typer.type(call.args[1]!.value, quantity("ratio"));
        const lit = numberLiteral(call.args[1]!.value);
        if (lit && q.kind !== "unknown") {
          const v = lit.unit === "%" ? lit.value / 100 : lit.value;
          if (v < 0 || v > 1) typer.report("out-of-range", lit.span, `quantile q = ${lit.value}${lit.unit ?? ""} must be within 0..1`);
        }
        return FLOAT;
      }
      if (!expectArgs(typer, call, 1, 1, `${name}(c)`)) return UNKNOWN;
      const numeric = ["mean", "min", "max", "stddev"].includes(name);
      const t = columnArg(typer, call.args[0]!.value, name, numeric);
      if (t.kind === "unknown") return UNKNOWN;
      if (name === "null_rate" || name === "duplicate_rate") return quantity("ratio");
      if (name === "distinct_count") return INT;
      return FLOAT;
    },
  };
}
