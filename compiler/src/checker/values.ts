/**
 * Checking a field's value against its slot in the schema table: literals,
 * contextual quantity units, ranges, words, references, lists, records,
 * constructors, schedules, secrets and `params.x`.
 */
import type { Fix } from "../diagnostics/diagnostic.js";
import type { ProgramFile } from "../program/source-files.js";
import type { Expr, Span } from "../syntax/ast.js";
import type { DeclContext } from "./context.js";
import { validateCron } from "./cron.js";
import { closestMatch } from "./edit-distance.js";
import type { MergedEntry, MergedValue } from "./merge.js";
import { unwrapParens, valueOf } from "./merge.js";
import { lookupBlock, lookupParam, paramAccess, paramValueSites, renameFix, suggestion } from "./resolve.js";
import type { FieldSpec, Slot, StringPattern } from "./schema.js";
import { slotToString } from "./schema.js";
import type { Type } from "./types.js";
import { BOOL, INT, FLOAT, STRING, UNKNOWN, quantity, typeToString } from "./types.js";
import type { QuantityKind } from "./units.js";
import { UNIT_DOCS, describeQuantity, isUnitOf, normalizeQuantity, validUnits } from "./units.js";

/** A numeric literal (with an optional leading minus) as written. */
export function numberLiteral(expr: Expr): { value: number; unit?: string; isInteger: boolean; span: Span; unitSpan?: Span } | undefined {
  const e = unwrapParens(expr);
  if (e.kind === "Number") {
    const unitSpan = e.unit ? { start: e.span.end - e.unit.length, end: e.span.end } : undefined;
    return { value: e.value, isInteger: e.isInteger, span: e.span, ...(e.unit ? { unit: e.unit } : {}), ...(unitSpan ? { unitSpan } : {}) };
  }
  if (e.kind === "Unary" && e.operator === "-") {
    const inner = numberLiteral(e.operand);
    return inner ? { ...inner, value: -inner.value, span: e.span } : undefined;
  }
  return undefined;
}

/** The type a slot holds (what a `params.x` must have to stand in it). */
export function slotType(slot: Slot): Type {
  switch (slot.kind) {
    case "string":
      return STRING;
    case "int":
      return INT;
    case "number":
      return FLOAT;
    case "bool":
      return BOOL;
    case "quantity":
      return quantity(slot.unit);
    case "schedule":
      return { kind: "schedule" };
    case "list":
      return { kind: "list", element: slotType(slot.element) };
    default:
      return UNKNOWN;
  }
}

/** Whether a value of type `t` may stand in `slot`. */
export function slotAccepts(slot: Slot, t: Type): boolean {
  if (t.kind === "unknown") return true;
  switch (slot.kind) {
    case "string":
      return t.kind === "string" || t.kind === "enum" || (t.kind === "secret" && slot.secretAllowed === true);
    case "int":
      return t.kind === "int";
    case "number":
      return t.kind === "int" || t.kind === "float" || (t.kind === "quantity" && t.unit === "ratio");
    case "bool":
      return t.kind === "bool";
    case "quantity":
      if (t.kind === "quantity") return t.unit === slot.unit;
      if (slot.unit === "cpu" || slot.unit === "memory") return t.kind === "int" || (slot.unit === "cpu" && t.kind === "float");
      if (slot.unit === "ratio") return t.kind === "float";
      return false;
    case "schedule":
      return t.kind === "schedule";
    case "list":
      return t.kind === "list" && slotAccepts(slot.element, t.element);
    default:
      return false;
  }
}

export interface ValueChecker {
  ctx: DeclContext;
  /** Templates may leave required fields out. */
  partial: boolean;
}

function describe(expr: Expr): string {
  switch (expr.kind) {
    case "Number":
      return expr.unit ? `the quantity \`${expr.raw}${expr.unit}\`` : "a number";
    case "String":
      return "a string";
    case "Boolean":
      return "a bool";
    case "List":
      return "a list";
    case "Record":
      return "a record";
    case "Constructor":
      return `\`${expr.name.name} { ... }\``;
    case "Name":
      return `\`${expr.name.name}\``;
    case "Call":
      return "a call";
    default:
      return "an expression";
  }
}

function mismatch(
  vc: ValueChecker,
  file: ProgramFile,
  expr: Expr,
  what: string,
  slot: Slot,
  hints: string[] = [],
  fixes: Fix[] = [],
): Type {
  vc.ctx.report(file, "type-mismatch", expr.span, `${what} expects ${slotToString(slot)}, found ${describe(expr)}`, hints, fixes);
  return UNKNOWN;
}

/** Checks one value against its slot; returns its type. `what` names the field in messages (`memory`, `split.test`). */
export function checkValue(vc: ValueChecker, value: MergedValue, slot: Slot, what: string): Type {
  const file = value.owner.file;
  const expr = value.expr;
  const ctx = vc.ctx;
  if (expr.kind === "Error") return UNKNOWN;
  const t = checkSpecial(vc, file, expr, slot, what);
  if (t) return ctx.setType(expr, t);
  return ctx.setType(expr, checkBySlot(vc, value, file, expr, slot, what));
}

/** `params.x`, `secret(...)`: the same in every slot. */
function checkSpecial(vc: ValueChecker, file: ProgramFile, expr: Expr, slot: Slot, what: string): Type | undefined {
  const ctx = vc.ctx;
  const param = paramAccess(expr);
  if (param) {
    const found = lookupParam(ctx, file, param);
    if (!found) return UNKNOWN;
    if (!slotAccepts(slot, found.info.type)) {
      ctx.report(
        file,
        "type-mismatch",
        expr.span,
        `${what} expects ${slotToString(slot)}, but param \`${param.name}\` is ${typeToString(found.info.type)}`,
      );
      return UNKNOWN;
    }
    checkParamRanges(vc, param.name, slot, what);
    return found.info.type;
  }
  if (expr.kind === "Call" && expr.callee.kind === "Name" && expr.callee.name.name === "secret") {
    checkSecretCall(vc, file, expr);
    if (slot.kind === "string" && slot.secretAllowed) return { kind: "secret" };
    ctx.report(file, "secret-exposure", expr.span, `a secret cannot be used in \`${what}\`: it would be rendered as plain text`, [
      "secrets belong in `env_vars`, an external trainer's `env` or a source's `connection`",
    ]);
    return UNKNOWN;
  }
  return undefined;
}

function checkSecretCall(vc: ValueChecker, file: ProgramFile, expr: Expr & { kind: "Call" }): void {
  if (expr.args.length !== 2 || expr.args.some((a) => unwrapParens(a.value).kind !== "String")) {
    vc.ctx.report(
      file,
      "type-mismatch",
      expr.span,
      'secret(...) takes two strings: the secret\'s name and its key, e.g. secret("fraud-db", "url")',
    );
  }
}

/** A slot with bounds receiving `params.x`: the default and every env override must fit. */
function checkParamRanges(vc: ValueChecker, name: string, slot: Slot, what: string): void {
  if (!hasBounds(slot)) return;
  for (const site of paramValueSites(vc.ctx, name)) {
    const lit = numberLiteral(site.expr);
    if (!lit) continue;
    const value = slot.kind === "quantity" ? normalizeQuantity(slot.unit, lit.value, lit.unit) : lit.value;
    if (value === undefined) continue;
    const problem = rangeProblem(slot, value);
    if (problem) {
      const where = site.env ? `in env \`${site.env}\`` : "by default";
      vc.ctx.reportAt(
        site.file,
        "out-of-range",
        site.expr.span,
        `param \`${name}\` is ${formatSlotValue(lit)} ${where}, but \`${what}\` must be ${problem}`,
      );
    }
  }
}

function hasBounds(slot: Slot): slot is Slot & { min?: number; max?: number } {
  return (slot.kind === "int" || slot.kind === "number" || slot.kind === "quantity") && (slot.min !== undefined || slot.max !== undefined);
}

function formatSlotValue(lit: { value: number; unit?: string }): string {
  return `${lit.value}${lit.unit ?? ""}`;
}

/** Undefined when `value` (normalised) is within the slot's bounds; else "at least 1" style text. */
export function rangeProblem(slot: Slot, value: number): string | undefined {
  if (slot.kind !== "int" && slot.kind !== "number" && slot.kind !== "quantity") return undefined;
  const { min, max } = slot;
  const exclusive = "minExclusive" in slot && slot.minExclusive === true;
  const show = (n: number): string => (slot.kind === "quantity" ? showQuantity(slot.unit, n) : String(n));
  const bounds = (): string => {
    if (min !== undefined && max !== undefined)
      return `${exclusive ? "above" : "within"} ${show(min)}${exclusive ? ` and at most ${show(max)}` : `..${show(max)}`}`;
    if (min !== undefined) return exclusive ? `above ${show(min)}` : `at least ${show(min)}`;
    return `at most ${show(max!)}`;
  };
  if (min !== undefined && (value < min || (exclusive && value === min))) return bounds();
  if (max !== undefined && value > max) return bounds();
  return undefined;
}

/** Kubernetes counts cpu in whole millicores and memory in whole bytes; so does the plan. */
function wholeUnitProblem(kind: QuantityKind, normalised: number): string | undefined {
  if (Number.isInteger(normalised)) return undefined;
  if (kind === "cpu") return "a whole number of millicores (`1m` is the finest)";
  if (kind === "memory") return "a whole number of bytes";
  return undefined;
}

function showQuantity(kind: QuantityKind, n: number): string {
  if (kind === "ratio") return `${Number((n * 100).toPrecision(12))}%`;
  if (kind === "duration") return n === 0 ? "0s" : `${n}ms`;
  if (kind === "cpu") return n === 0 ? "0" : `${n}m`;
  return `${n} bytes`;
}

function checkBySlot(vc: ValueChecker, value: MergedValue, file: ProgramFile, expr: Expr, slot: Slot, what: string): Type {
  const ctx = vc.ctx;
  switch (slot.kind) {
    case "string":
      return checkString(vc, file, expr, slot, what);
    case "int":
    case "number":
      return checkNumber(vc, file, expr, slot, what);
    case "bool":
      return expr.kind === "Boolean" ? BOOL : mismatch(vc, file, expr, what, slot);
    case "quantity":
      return checkQuantity(vc, file, expr, slot, what);
    case "word":
      return checkWord(vc, file, expr, slot, what);
    case "ref": {
      if (expr.kind !== "Name") return mismatch(vc, file, expr, what, slot);
      const symbol = lookupBlock(ctx, file, expr.name, slot.declKind);
      return symbol ? { kind: "decl", declKind: symbol.declKind, name: symbol.name } : UNKNOWN;
    }
    case "list": {
      if (expr.kind !== "List") return mismatch(vc, file, expr, what, slot);
      if (slot.minLength !== undefined && expr.elements.length < slot.minLength) {
        ctx.report(file, "out-of-range", expr.span, `${what} needs at least ${slot.minLength} element${slot.minLength === 1 ? "" : "s"}`);
      }
      const types = expr.elements.map((el) => checkValue(vc, valueOf(el, value.owner), slot.element, `${what} element`));
      return { kind: "list", element: types.find((t) => t.kind !== "unknown") ?? slotType(slot.element) };
    }
    case "record":
      if (expr.kind !== "Record") {
        const hint = expr.kind === "Constructor" ? [`write \`{ ... }\` without \`${expr.name.name}\``] : [];
        return mismatch(vc, file, expr, what, slot, hint);
      }
      checkRecordEntries(vc, value, slot.fields, slot.open, what, expr.span);
      if (slot.keys) checkRecordKeys(vc, file, expr, slot.keys, what);
      return { kind: "record" };
    case "constructor":
      return checkConstructor(vc, value, file, expr, slot, what);
    case "schedule":
      return checkSchedule(vc, file, expr, what);
    default:
      return UNKNOWN;
  }
}

function checkString(vc: ValueChecker, file: ProgramFile, expr: Expr, slot: Slot & { kind: "string" }, what: string): Type {
  if (expr.kind !== "String") {
    const hints = expr.kind === "Name" ? [`quote it: "${expr.name.name}"`] : [];
    const fixes =
      expr.kind === "Name"
        ? [
            {
              title: "Quote it",
              edits: [{ file: file.path, range: file.lineMap.range(expr.span), newText: JSON.stringify(expr.name.name) }],
            },
          ]
        : [];
    return mismatch(vc, file, expr, what, slot, hints, fixes);
  }
  if (expr.parts) {
    for (const part of expr.parts) if (part.kind === "Interpolation") checkInterpolation(vc, file, part.expr, what);
    return STRING;
  }
  if (slot.pattern && !slot.pattern.regex.test(expr.value)) {
    vc.ctx.report(file, slot.pattern.code ?? "type-mismatch", expr.span, `${what} "${expr.value}" is not ${slot.pattern.description}`);
  }
  return STRING;
}

function checkInterpolation(vc: ValueChecker, file: ProgramFile, expr: Expr, what: string): void {
  const t = checkSpecial(vc, file, expr, { kind: "string" }, what);
  if (t) return;
  if (expr.kind === "String" || expr.kind === "Number" || expr.kind === "Boolean" || expr.kind === "Error") return;
  vc.ctx.report(file, "type-mismatch", expr.span, "a string interpolation `${...}` takes a param (`${params.NAME}`) or a literal");
}

function checkNumber(vc: ValueChecker, file: ProgramFile, expr: Expr, slot: Slot & { kind: "int" | "number" }, what: string): Type {
  const lit = numberLiteral(expr);
  if (!lit) return mismatch(vc, file, expr, what, slot);
  let value = lit.value;
  if (lit.unit !== undefined) {
    if (lit.unit === "%" && slot.kind === "number") value = lit.value / 100;
    else {
      vc.ctx.report(
        file,
        "unit-mismatch",
        lit.unitSpan ?? lit.span,
        `\`${what}\` is ${slot.kind === "int" ? "an int" : "a plain number"}: the unit \`${lit.unit}\` has no meaning here`,
        ["write the number without a unit"],
      );
      return UNKNOWN;
    }
  }
  if (slot.kind === "int" && !lit.isInteger) {
    vc.ctx.report(file, "type-mismatch", lit.span, `${what} expects an int, found ${lit.value}`);
    return UNKNOWN;
  }
  const problem = rangeProblem(slot, value);
  if (problem)
    vc.ctx.report(file, "out-of-range", lit.span, `${what} = ${lit.value}${lit.unit ?? ""} is out of range: it must be ${problem}`);
  return slot.kind === "int" ? INT : FLOAT;
}

export function checkQuantity(vc: ValueChecker, file: ProgramFile, expr: Expr, slot: Slot & { kind: "quantity" }, what: string): Type {
  const lit = numberLiteral(expr);
  if (!lit) return mismatch(vc, file, expr, what, slot);
  const units = validUnits(slot.unit);
  if (lit.unit !== undefined && !isUnitOf(slot.unit, lit.unit)) {
    const guess =
      conventionalUnit(slot.unit, lit.unit) ??
      closestMatch(lit.unit, units) ??
      units.find((u) => u.toLowerCase() === lit.unit!.toLowerCase());
    const hints = [`valid ${slot.unit} units: ${units.join(", ")}`];
    const fixes: Fix[] = [];
    if (guess) {
      hints.unshift(`did you mean \`${lit.value}${guess}\`?`);
      fixes.push(renameFix(file, { span: lit.unitSpan ?? lit.span }, guess));
    }
    vc.ctx.report(file, "unit-mismatch", lit.unitSpan ?? lit.span, `\`${lit.unit}\` is not a ${slot.unit} unit (${what})`, hints, fixes);
    return UNKNOWN;
  }
  const normalised = normalizeQuantity(slot.unit, lit.value, lit.unit);
  if (normalised === undefined) {
    vc.ctx.report(file, "unit-mismatch", lit.span, `\`${what}\` is a ${slot.unit} and needs a unit: ${units.join(", ")}`, [
      `e.g. \`${lit.value}${units.includes("m") ? "m" : units[0]}\``,
    ]);
    return UNKNOWN;
  }
  if (slot.unit === "ratio" && lit.unit === undefined && (normalised > 1 || normalised < 0)) {
    vc.ctx.report(file, "out-of-range", lit.span, `${what} = ${lit.value} is out of range: a ratio is 0..1 (or a percentage)`, [
      `did you mean \`${lit.value}%\`?`,
    ]);
    return quantity(slot.unit);
  }
  const problem = rangeProblem(slot, normalised) ?? wholeUnitProblem(slot.unit, normalised);
  if (problem)
    vc.ctx.report(file, "out-of-range", lit.span, `${what} = ${lit.value}${lit.unit ?? ""} is out of range: it must be ${problem}`);
  vc.ctx.annotate(
    file,
    lit.span,
    "quantity",
    `${lit.value}${lit.unit ?? ""}`,
    `${what}: ${slot.unit} — ${lit.value}${lit.unit ?? ""} = ${describeQuantity(slot.unit, normalised)}`,
    lit.unit ? `\`${lit.unit}\` = ${UNIT_DOCS[slot.unit][lit.unit]}` : "",
  );
  return quantity(slot.unit);
}

function checkWord(vc: ValueChecker, file: ProgramFile, expr: Expr, slot: Slot & { kind: "word" }, what: string): Type {
  const options = Object.keys(slot.values);
  if (expr.kind === "String" && options.includes(expr.value)) {
    return mismatch(
      vc,
      file,
      expr,
      what,
      slot,
      [`write ${expr.value} without quotes`],
      [{ title: "Remove the quotes", edits: [{ file: file.path, range: file.lineMap.range(expr.span), newText: expr.value }] }],
    );
  }
  if (expr.kind !== "Name") return mismatch(vc, file, expr, what, slot);
  if (!options.includes(expr.name.name)) {
    const { hints, fixes } = suggestion(file, expr.name, options);
    vc.ctx.report(
      file,
      "type-mismatch",
      expr.span,
      `\`${expr.name.name}\` is not a valid ${what}: expected ${options.join(" | ")}`,
      hints,
      fixes,
    );
    return UNKNOWN;
  }
  vc.ctx.annotate(file, expr.span, "word", expr.name.name, `${what} = ${expr.name.name}`, slot.values[expr.name.name] ?? "");
  return { kind: "word", value: expr.name.name };
}

/** Keys of an open record that must match a pattern (`node_selector` label keys). */
function checkRecordKeys(vc: ValueChecker, file: ProgramFile, expr: Expr & { kind: "Record" }, keys: StringPattern, what: string): void {
  for (const field of expr.fields) {
    if (!keys.regex.test(field.key.name))
      vc.ctx.report(file, keys.code ?? "type-mismatch", field.key.span, `${what} key "${field.key.name}" is not ${keys.description}`);
  }
}

/** The fields of a record (or a constructor's body), merged: unknown, duplicate, missing and each value. */
export function checkRecordEntries(
  vc: ValueChecker,
  value: MergedValue,
  fields: readonly FieldSpec[],
  open: Slot | undefined,
  what: string,
  at: Span,
): void {
  const ctx = vc.ctx;
  const expr = value.expr;
  const written = expr.kind === "Record" ? expr.fields : expr.kind === "Constructor" ? expr.body.fields : [];
  const seen = new Set<string>();
  for (const f of written) {
    if (seen.has(f.key.name))
      ctx.report(value.owner.file, "duplicate-declaration", f.key.span, `\`${f.key.name}\` is set twice in ${what}`);
    seen.add(f.key.name);
  }
  for (const entry of value.fields?.values() ?? []) checkEntry(vc, entry, fields, open, what);
  if (vc.partial) return;
  const typos = typoTargets([...(value.fields?.keys() ?? [])], fields);
  for (const spec of fields) {
    if (!spec.required || value.fields?.has(spec.name) || typos.has(spec.name)) continue;
    ctx.report(
      value.owner.file,
      "missing-field",
      at,
      `${what} is missing the required field \`${spec.name}\` (${slotToString(spec.slot)})`,
      [spec.doc],
      [addFieldFix(value, spec)].filter((f): f is Fix => f !== undefined),
    );
  }
}

function addFieldFix(value: MergedValue, spec: FieldSpec): Fix | undefined {
  const expr = value.expr;
  const body = expr.kind === "Constructor" ? expr.body : expr.kind === "Record" ? expr : undefined;
  const placeholderValue = placeholder(spec.slot);
  if (!body || placeholderValue === "") return undefined;
  const file = value.owner.file;
  const insertAt = body.span.end - 1;
  const sep = body.fields.length ? ", " : " ";
  const range = file.lineMap.range({ start: insertAt, end: insertAt });
  return { title: `Add \`${spec.name}\``, edits: [{ file: file.path, range, newText: `${sep}${spec.name} = ${placeholderValue} ` }] };
}

/** A value of the slot's shape that needs no context (within its bounds), or "" when the value depends on the program. */
export function placeholder(slot: Slot): string {
  switch (slot.kind) {
    case "string":
      return stringPlaceholder(slot);
    case "int":
      return String(slot.min ?? 0);
    case "number":
      return slot.min === undefined ? "0" : String(slot.minExclusive ? Math.min(slot.min + 1, slot.max ?? slot.min + 1) : slot.min);
    case "bool":
      return "false";
    case "quantity":
      return { duration: "1h", cpu: "500m", memory: "512Mi", ratio: "50%" }[slot.unit];
    case "word":
      return Object.keys(slot.values)[0] ?? "";
    case "list":
      return "[]";
    case "record":
      return "{}";
    case "constructor":
      return `${Object.keys(slot.variants)[0]} {}`;
    case "schedule":
      return 'cron("0 * * * *")';
    default:
      return "";
  }
}

/** `""`, or for a string with a pattern a common value that matches it (`"default"` for a namespace, `"/"` for a path). */
export function stringPlaceholder(slot: Slot & { kind: "string" }): string {
  if (!slot.pattern) return '""';
  const example = ["default", "/", "x"].find((v) => slot.pattern!.regex.test(v));
  return example === undefined ? "" : JSON.stringify(example);
}

function checkEntry(vc: ValueChecker, entry: MergedEntry, fields: readonly FieldSpec[], open: Slot | undefined, what: string): void {
  const spec = fields.find((f) => f.name === entry.name);
  const file = entry.value.owner.file;
  if (!spec) {
    if (open) {
      checkValue(vc, entry.value, open, `${what}.${entry.name}`);
      return;
    }
    const names = fields.map((f) => f.name);
    const { hints, fixes } = suggestion(file, entry.key, names);
    if (!hints.length && names.length) hints.push(`fields of ${what}: ${names.join(", ")}`);
    vc.ctx.report(file, "unknown-field", entry.key.span, `${what} has no field \`${entry.name}\``, hints, fixes);
    return;
  }
  vc.ctx.annotate(file, entry.key.span, "field", entry.name, `${what}.${entry.name}: ${slotToString(spec.slot)}`, spec.doc);
  checkValue(vc, entry.value, spec.slot, `${what}.${entry.name}`);
}

function checkConstructor(
  vc: ValueChecker,
  value: MergedValue,
  file: ProgramFile,
  expr: Expr,
  slot: Slot & { kind: "constructor" },
  what: string,
): Type {
  const names = Object.keys(slot.variants);
  if (expr.kind !== "Constructor") {
    const hint = expr.kind === "Name" && names.includes(expr.name.name) ? [`write \`${expr.name.name} { ... }\``] : [];
    return mismatch(vc, file, expr, what, slot, hint);
  }
  const variant = slot.variants[expr.name.name];
  if (!variant) {
    const { hints, fixes } = suggestion(file, expr.name, names);
    vc.ctx.report(
      file,
      "type-mismatch",
      expr.name.span,
      `\`${expr.name.name}\` is not a valid ${what}: expected ${names.join(", ")}`,
      hints,
      fixes,
    );
    return UNKNOWN;
  }
  vc.ctx.annotate(
    file,
    expr.name.span,
    "constructor",
    expr.name.name,
    `${what} = ${expr.name.name} { ${variant.fields.map((f) => f.name).join(", ")} }`,
    variant.doc,
  );
  checkRecordEntries(vc, value, variant.fields, undefined, `${expr.name.name}`, expr.name.span);
  return { kind: "word", value: expr.name.name };
}

export function checkSchedule(vc: ValueChecker, file: ProgramFile, expr: Expr, what: string): Type {
  const ctx = vc.ctx;
  const slot: Slot = { kind: "schedule" };
  if (expr.kind !== "Call" || expr.callee.kind !== "Name") return mismatch(vc, file, expr, what, slot);
  const fn = expr.callee.name.name;
  if (fn === "cron") {
    const arg = expr.args[0]?.value;
    if (expr.args.length !== 1 || !arg || arg.kind !== "String" || arg.parts) {
      ctx.report(file, "type-mismatch", expr.span, 'cron(...) takes one string: cron("MIN HOUR DAY MONTH WEEKDAY")');
      return UNKNOWN;
    }
    const problem = validateCron(arg.value);
    if (problem) {
      const raw = arg.span.end - arg.span.start - 2 === arg.value.length;
      const span = raw ? { start: arg.span.start + 1 + problem.start, end: arg.span.start + 1 + problem.end } : arg.span;
      ctx.report(file, "invalid-cron", span, `invalid cron expression "${arg.value}": ${problem.message}`, [
        "fields: minute (0-59) hour (0-23) day-of-month (1-31) month (1-12) day-of-week (0-7)",
      ]);
      return UNKNOWN;
    }
    ctx.annotate(file, expr.callee.span, "function", "cron", "cron(expression) -> schedule", "A 5-field cron schedule (UTC).");
    return { kind: "schedule" };
  }
  if (fn === "every") {
    const arg = expr.args[0]?.value;
    if (expr.args.length !== 1 || !arg) {
      ctx.report(file, "type-mismatch", expr.span, "every(...) takes one duration, e.g. every(6h)");
      return UNKNOWN;
    }
    checkValue(
      vc,
      { expr: arg, owner: { ...fakeOwner(file) } },
      { kind: "quantity", unit: "duration", min: 0, minExclusive: true },
      "every(...)",
    );
    ctx.annotate(file, expr.callee.span, "function", "every", "every(duration) -> schedule", "Runs at a fixed interval.");
    return { kind: "schedule" };
  }
  const { hints, fixes } = suggestion(file, expr.callee.name, ["cron", "every"]);
  ctx.report(file, "type-mismatch", expr.callee.span, `${what} expects cron("...") or every(duration), found ${fn}(...)`, hints, fixes);
  return UNKNOWN;
}

/** A value owner for expressions not attached to a merged field (call arguments): only its file matters. */
function fakeOwner(file: ProgramFile): MergedValue["owner"] {
  return {
    kind: "block",
    declKind: "pipeline",
    name: "",
    isTemplate: false,
    file,
    node: {
      kind: "Block",
      keyword: "pipeline",
      keywordSpan: { start: 0, end: 0 },
      isTemplate: false,
      name: { kind: "Identifier", name: "", span: { start: 0, end: 0 } },
      members: [],
      bodySpan: { start: 0, end: 0 },
      span: { start: 0, end: 0 },
    },
  };
}

/** Field names that an unknown key is a likely typo of (their missing-field would repeat the unknown-field). */
export function typoTargets(keys: string[], fields: readonly FieldSpec[]): Set<string> {
  const names = fields.map((f) => f.name);
  const out = new Set<string>();
  for (const k of keys) {
    if (names.includes(k)) continue;
    const guess = closestMatch(k, names);
    if (guess) out.add(guess);
  }
  return out;
}

/** The unit people usually mean by a near miss: `512m` / `512mb` of memory is `512Mi`. */
function conventionalUnit(kind: QuantityKind, unit: string): string | undefined {
  if (kind !== "memory") return undefined;
  const m = unit.toLowerCase().match(/^([kmgt])(i?b?)$/);
  return m ? `${m[1]!.toUpperCase()}i` : undefined;
}
