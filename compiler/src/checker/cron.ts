/**
 * Validation of 5-field cron expressions: `minute hour day-of-month month day-of-week`,
 * each a comma list of `*`, `N`, `A-B`, optionally `/STEP`; month and weekday names
 * (`JAN`, `MON`...) are accepted; so are the `@daily`-style macros.
 */

interface FieldRule {
  name: string;
  min: number;
  max: number;
  names?: string[];
}

const FIELDS: FieldRule[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"] },
  { name: "day of week", min: 0, max: 7, names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] },
];

export const CRON_MACROS = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];

export interface CronError {
  message: string;
  /** Offset range inside the expression text of the offending field (whole text when general). */
  start: number;
  end: number;
}

/** Undefined when the expression is valid. */
export function validateCron(expression: string): CronError | undefined {
  const text = expression.trim();
  const lead = expression.indexOf(text);
  if (text.startsWith("@")) {
    if (CRON_MACROS.includes(text)) return undefined;
    return { message: `\`${text}\` is not a cron macro (one of ${CRON_MACROS.join(", ")})`, start: lead, end: lead + text.length };
  }
  const parts: Array<{ text: string; start: number }> = [];
  for (const m of text.matchAll(/\S+/g)) parts.push({ text: m[0], start: lead + (m.index ?? 0) });
  if (parts.length !== 5) {
    return {
      message: `a cron expression has 5 fields (minute hour day-of-month month day-of-week), found ${parts.length}`,
      start: lead,
      end: lead + text.length,
    };
  }
  for (let i = 0; i < 5; i++) {
    const problem = validateField(parts[i]!.text, FIELDS[i]!);
    if (problem) return { message: problem, start: parts[i]!.start, end: parts[i]!.start + parts[i]!.text.length };
  }
  return undefined;
}

function validateField(text: string, rule: FieldRule): string | undefined {
  for (const item of text.split(",")) {
    const problem = validateItem(item, rule);
    if (problem) return `${rule.name} field \`${text}\`: ${problem}`;
  }
  return undefined;
}

function validateItem(item: string, rule: FieldRule): string | undefined {
  if (item === "") return "empty list item";
  const [base, step, ...extra] = item.split("/");
  if (extra.length > 0) return `\`${item}\` has more than one \`/\``;
  if (step !== undefined) {
    if (!/^\d+$/.test(step) || Number(step) < 1) return `step \`${step}\` must be a positive integer`;
    if (Number(step) > rule.max) return `step ${step} is larger than the field's maximum ${rule.max}`;
  }
  if (base === "*") return undefined;
  const bounds = base!.split("-");
  if (bounds.length > 2) return `\`${base}\` is not a value or a range`;
  const values: number[] = [];
  for (const bound of bounds) {
    const value = parseValue(bound, rule);
    if (typeof value === "string") return value;
    values.push(value);
  }
  if (values.length === 2 && values[0]! > values[1]!) return `range \`${base}\` goes backwards`;
  return undefined;
}

function parseValue(text: string, rule: FieldRule): number | string {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (n < rule.min || n > rule.max) return `${n} is out of range ${rule.min}-${rule.max}`;
    return n;
  }
  const index = rule.names?.indexOf(text.toUpperCase()) ?? -1;
  if (index >= 0) return index + (rule.min === 1 ? 1 : 0);
  if (text === "") return "missing value";
  return rule.names
    ? `\`${text}\` is neither a number ${rule.min}-${rule.max} nor a name (${rule.names.join(", ")})`
    : `\`${text}\` is not a number ${rule.min}-${rule.max}`;
}
