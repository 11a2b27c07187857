/**
 * A monitor's `window` over a batch deployment's input: the rows whose timestamp column falls in
 * `(now - window, now]` (a date counts from its midnight UTC). Rows with no timestamp are left out:
 * nothing says they are recent.
 */
import { type Dataset, MS_PER_DAY, getColumn, takeRows } from "../data/dataset.js";

export function rowsInWindow(dataset: Dataset, column: string, windowMs: number, now: number): Dataset {
  const c = getColumn(dataset, column);
  if (c.storage !== "number") throw new Error(`column ${column} holds no timestamps`);
  const scale = c.type.kind === "date" ? MS_PER_DAY : 1;
  const since = now - windowMs;
  const kept: number[] = [];
  for (let i = 0; i < dataset.rowCount; i++) {
    if (c.nulls[i] === 1) continue;
    const at = c.values[i]! * scale;
    if (at > since && at <= now) kept.push(i);
  }
  return takeRows(dataset, kept);
}
