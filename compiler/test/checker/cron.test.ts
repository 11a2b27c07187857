import { describe, expect, it } from "vitest";
import { validateCron } from "../../src/checker/cron.js";

describe("cron validation", () => {
  it.each([
    "0 2 * * *",
    "*/15 * * * MON-FRI",
    "0,30 8-18 1-15 JAN-JUN 1-5",
    "5 4 * * sun",
    "0 0 1 */2 *",
    "@daily",
    "59 23 31 12 7",
    "0 0 * * 0",
  ])("accepts %s", (e) => {
    expect(validateCron(e)).toBeUndefined();
  });

  it.each([
    ["61 * * * *", "minute field `61`: 61 is out of range 0-59"],
    ["0 24 * * *", "hour field `24`: 24 is out of range 0-23"],
    ["0 0 0 * *", "day of month field `0`: 0 is out of range 1-31"],
    ["0 0 * 13 *", "month field `13`: 13 is out of range 1-12"],
    ["0 0 * * 8", "day of week field `8`: 8 is out of range 0-7"],
    ["0 2 * *", "a cron expression has 5 fields (minute hour day-of-month month day-of-week), found 4"],
    ["*/0 * * * *", "minute field `*/0`: step `0` must be a positive integer"],
    ["0 5-2 * * *", "hour field `5-2`: range `5-2` goes backwards"],
    [
      "0 0 * JAM *",
      "month field `JAM`: `JAM` is neither a number 1-12 nor a name (JAN, FEB, MAR, APR, MAY, JUN, JUL, AUG, SEP, OCT, NOV, DEC)",
    ],
    ["0,,5 * * * *", "minute field `0,,5`: empty list item"],
    ["@sometimes", "`@sometimes` is not a cron macro (one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly)"],
  ])("rejects %s", (e, message) => {
    expect(validateCron(e)?.message).toBe(message);
  });

  it("points at the offending field", () => {
    const error = validateCron("0 2 * 13 *");
    expect(error && "0 2 * 13 *".slice(error.start, error.end)).toBe("13");
  });
});
