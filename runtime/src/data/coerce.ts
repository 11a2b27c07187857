import type { ValueType } from "../plan.js";
import { MS_PER_DAY, type CellValue } from "./dataset.js";

/**
 * Coercion of raw input values to a column's type.
 * - int: a whole number (`42`, `-7`), at most 2^53 in magnitude
 * - float: any finite decimal number (`1.5`, `-2e-3`)
 * - bool: `true false 1 0 yes no` (any case)
 * - timestamp: ISO 8601 (`2024-05-01`, `2024-05-01T12:30:00Z`, `2024-05-01 12:30:00.250+02:00`)
 *   → epoch milliseconds; without an offset the time is UTC. An offset's hours are 00–23 and its
 *   minutes 00–59 (RFC 3339), so `+99:99` is a bad value. In JSON a number is taken as epoch ms.
 * - date: `YYYY-MM-DD` → epoch days (days since 1970-01-01). In JSON a number is taken as epoch days.
 * - enum: the exact text of a declared value
 * Null: an empty CSV field, JSON `null`, or a missing JSON key.
 */
export type Coerced = { ok: true; value: CellValue } | { ok: false; reason: string };

const INT = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

const ok = (value: CellValue): Coerced => ({ ok: true, value });
const fail = (reason: string): Coerced => ({ ok: false, reason });

/** A CSV field (or any text) to the column type; the empty string is null. */
export function coerceText(text: string, type: ValueType): Coerced {
  if (text === "") return ok(null);
  switch (type.kind) {
    case "int":
      return parseInt64(text.trim());
    case "float":
      return parseFloatText(text.trim());
    case "bool":
      return parseBool(text.trim());
    case "string":
      return ok(text);
    case "enum":
      return enumMember(text, type.values);
    case "timestamp":
      return parseTimestamp(text.trim());
    case "date":
      return parseDate(text.trim());
  }
}

/** A JSON (or parquet) value to the column type; `null`/`undefined` is null. */
export function coerceValue(value: unknown, type: ValueType): Coerced {
  if (value === null || value === undefined) return ok(null);
  if (typeof value === "string") {
    if (type.kind === "string") return ok(value);
    if (type.kind === "enum") return enumMember(value, type.values);
    return coerceText(value, type);
  }
  if (typeof value === "bigint") return coerceNumber(Number(value), type, BigInt(Number(value)) === value);
  if (typeof value === "number") return coerceNumber(value, type, true);
  if (typeof value === "boolean") {
    if (type.kind === "bool") return ok(value);
    return fail(`expected ${describe(type)}, got a boolean`);
  }
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) return fail("invalid date");
    if (type.kind === "timestamp") return ok(ms);
    if (type.kind === "date") return ok(Math.floor(ms / MS_PER_DAY));
    return fail(`expected ${describe(type)}, got a date`);
  }
  return fail(`expected ${describe(type)}, got ${Array.isArray(value) ? "a list" : typeof value}`);
}

function coerceNumber(n: number, type: ValueType, exact: boolean): Coerced {
  if (!Number.isFinite(n)) return fail("not a finite number");
  switch (type.kind) {
    case "int":
      if (!Number.isInteger(n)) return fail(`expected an int, got ${n}`);
      if (!exact || !Number.isSafeInteger(n)) return fail("int out of range (|n| > 2^53)");
      return ok(n);
    case "float":
      return ok(n);
    case "bool":
      if (n === 0 || n === 1) return ok(n === 1);
      return fail(`expected a bool, got ${n}`);
    case "timestamp":
      return ok(n);
    case "date":
      if (!Number.isInteger(n)) return fail(`expected a date (epoch days), got ${n}`);
      return ok(n);
    case "string":
    case "enum":
      return fail(`expected ${describe(type)}, got a number`);
  }
}

function parseInt64(text: string): Coerced {
  if (!INT.test(text)) return fail("not an int");
  const n = Number(text);
  if (!Number.isSafeInteger(n)) return fail("int out of range (|n| > 2^53)");
  return ok(n);
}

function parseFloatText(text: string): Coerced {
  if (!FLOAT.test(text)) return fail("not a number");
  const n = Number(text);
  if (!Number.isFinite(n)) return fail("not a finite number");
  return ok(n);
}

function parseBool(text: string): Coerced {
  switch (text.toLowerCase()) {
    case "true":
    case "1":
    case "yes":
      return ok(true);
    case "false":
    case "0":
    case "no":
      return ok(false);
    default:
      return fail("not a bool (true/false/1/0/yes/no)");
  }
}

function enumMember(text: string, values: readonly string[]): Coerced {
  if (values.includes(text)) return ok(text);
  return fail(`not one of ${values.map((v) => JSON.stringify(v)).join(", ")}`);
}

function parseDate(text: string): Coerced {
  const m = DATE.exec(text);
  if (!m) return fail("not a date (YYYY-MM-DD)");
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (!validCalendarDay(ms, m)) return fail("not a calendar date");
  return ok(ms / MS_PER_DAY);
}

function parseTimestamp(text: string): Coerced {
  const m = TIMESTAMP.exec(text);
  if (!m) return fail("not an ISO 8601 timestamp");
  const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "", zone] = m;
  const millis = frac === "" ? 0 : Math.floor(Number(`0${frac}`) * 1000);
  const local = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), millis);
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return fail("not a valid time of day");
  if (!validCalendarDay(Date.UTC(Number(y), Number(mo) - 1, Number(d)), m)) return fail("not a calendar date");
  const offset = offsetMs(zone);
  if (offset === null) return fail(`not a valid UTC offset (${zone}; hours 00-23, minutes 00-59)`);
  return ok(local - offset);
}

/** The offset in ms, or null when its hours or minutes are out of range. */
function offsetMs(zone: string | undefined): number | null {
  if (zone === undefined || zone.toUpperCase() === "Z") return 0;
  const sign = zone.startsWith("-") ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2, 4));
  if (hours > 23 || minutes > 59) return null;
  return sign * (hours * 60 + minutes) * 60_000;
}

function validCalendarDay(ms: number, m: RegExpExecArray): boolean {
  const date = new Date(ms);
  return date.getUTCFullYear() === Number(m[1]) && date.getUTCMonth() === Number(m[2]) - 1 && date.getUTCDate() === Number(m[3]);
}

export function describe(type: ValueType): string {
  if (type.kind === "enum") return `one of ${type.values.map((v) => JSON.stringify(v)).join(", ")}`;
  return `${type.kind === "int" ? "an" : "a"} ${type.kind}`;
}
