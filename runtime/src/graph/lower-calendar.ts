/**
 * Calendar functions in UTC with float64 arithmetic on whole numbers (exact below 2^53):
 * the time of day is the floored remainder of the epoch milliseconds by a day, the day number
 * the floored quotient, the weekday `(days + 3) mod 7` (1970-01-01 was a Thursday, Monday = 0),
 * and the month comes from the day number by Howard Hinnant's `civil_from_days`. As with
 * JavaScript's `Date`, a time more than 8.64e15 ms from the epoch has no calendar value (null)
 * and fractional milliseconds are truncated toward zero.
 */
import { MS_PER_DAY } from "../data/dataset.js";
import { attr, type OnnxBuilder } from "./onnx-builder.js";
import { asNum, describeValue, finiteOrNull, num, type GraphValue, type NumValue } from "./graph-values.js";

const MAX_DATE_MS = 8.64e15;

export function lowerTimePart(b: OnnxBuilder, value: GraphValue, fn: "hour" | "day_of_week" | "month"): NumValue {
  const ms = toMs(b, value, fn);
  const time = trunc(b, ms.name);
  const msOfDay = floorMod(b, time, MS_PER_DAY);
  let part: string;
  if (fn === "hour") {
    part = b.op("Floor", [b.op("Div", [msOfDay, b.double(3_600_000)])], { hint: "hour" });
  } else {
    const days = b.op("Div", [b.op("Sub", [time, msOfDay]), b.double(MS_PER_DAY)], { hint: "days" });
    part = fn === "day_of_week" ? floorMod(b, b.op("Add", [days, b.double(3)]), 7) : monthOfDay(b, days);
  }
  const outOfRange = b.op("Greater", [b.op("Abs", [time]), b.double(MAX_DATE_MS)]);
  return num(b.op("Where", [outOfRange, b.double(Number.NaN), part], { hint: fn }), [value]);
}

/** Whole days from a to b: (b − a) in days, truncated toward zero. */
export function lowerDaysBetween(b: OnnxBuilder, from: GraphValue, to: GraphValue): NumValue {
  const a = toMs(b, from, "days_between");
  const c = toMs(b, to, "days_between");
  const days = b.op("Div", [b.op("Sub", [c.name, a.name]), b.double(MS_PER_DAY)]);
  return num(finiteOrNull(b, trunc(b, days)), [a, c]);
}

function toMs(b: OnnxBuilder, value: GraphValue, fn: string): NumValue {
  const x = asNum(b, value, `${fn}()`);
  if (x.unit === "days") return num(finiteOrNull(b, b.op("Mul", [x.name, b.double(MS_PER_DAY)])), [x], { unit: "ms" });
  if (x.unit !== "ms") throw new Error(`${fn}() needs a timestamp or a date, got ${describeValue(value)}`);
  return x;
}

function trunc(b: OnnxBuilder, x: string): string {
  return b.op("Mul", [b.op("Sign", [x]), b.op("Floor", [b.op("Abs", [x])])], { hint: "trunc" });
}

/** x mod m in [0, m) (fmod is exact; a negative remainder moves up by m). */
function floorMod(b: OnnxBuilder, x: string, m: number): string {
  const remainder = b.op("Mod", [x, b.double(m)], { attributes: [attr.int("fmod", 1)] });
  const negative = b.op("Less", [remainder, b.double(0)]);
  return b.op("Where", [negative, b.op("Add", [remainder, b.double(m)]), remainder], { hint: "mod" });
}

function floorDiv(b: OnnxBuilder, x: string, d: number): string {
  return b.op("Floor", [b.op("Div", [x, b.double(d)])]);
}

/** civil_from_days (http://howardhinnant.github.io/date_algorithms.html): the month 1..12 of a day number. */
function monthOfDay(b: OnnxBuilder, days: string): string {
  const z = b.op("Add", [days, b.double(719_468)]);
  const era = floorDiv(b, z, 146_097);
  const dayOfEra = b.op("Sub", [z, b.op("Mul", [era, b.double(146_097)])]);
  const leapDays = b.op("Sub", [
    b.op("Add", [b.op("Sub", [dayOfEra, floorDiv(b, dayOfEra, 1460)]), floorDiv(b, dayOfEra, 36_524)]),
    floorDiv(b, dayOfEra, 146_096),
  ]);
  const yearOfEra = floorDiv(b, leapDays, 365);
  const yearStart = b.op("Sub", [
    b.op("Add", [b.op("Mul", [yearOfEra, b.double(365)]), floorDiv(b, yearOfEra, 4)]),
    floorDiv(b, yearOfEra, 100),
  ]);
  const dayOfYear = b.op("Sub", [dayOfEra, yearStart]);
  const marchMonth = floorDiv(b, b.op("Add", [b.op("Mul", [dayOfYear, b.double(5)]), b.double(2)]), 153);
  const beforeJanuary = b.op("Less", [marchMonth, b.double(10)]);
  return b.op("Where", [beforeJanuary, b.op("Add", [marchMonth, b.double(3)]), b.op("Sub", [marchMonth, b.double(9)])], {
    hint: "month",
  });
}
