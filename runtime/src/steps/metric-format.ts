/** A metric as step summaries and gate verdicts print it (4 significant digits; whole above 1000). */
export function format(value: number | undefined): string {
  if (value === undefined) return "n/a";
  if (!Number.isFinite(value)) return String(value);
  return Math.abs(value) >= 1000 ? value.toFixed(0) : Number(value.toPrecision(4)).toString();
}
