import { describe, expect, it } from "vitest";
import { coerceText, coerceValue } from "../../src/data/coerce.js";

const t = (nullable = false) => ({ kind: "timestamp" as const, nullable });

describe("coercion", () => {
  it("reads ISO 8601 timestamps as epoch ms, UTC unless an offset is given", () => {
    expect(coerceText("2024-05-01T12:30:00Z", t())).toEqual({ ok: true, value: Date.UTC(2024, 4, 1, 12, 30) });
    expect(coerceText("2024-05-01 12:30", t())).toEqual({ ok: true, value: Date.UTC(2024, 4, 1, 12, 30) });
    expect(coerceText("2024-05-01T12:30:00.25-0130", t())).toEqual({ ok: true, value: Date.UTC(2024, 4, 1, 14, 0, 0, 250) });
    expect(coerceText("2024-05-01", t())).toEqual({ ok: true, value: Date.UTC(2024, 4, 1) });
    expect(coerceText("2024-02-30T00:00:00Z", t())).toEqual({ ok: false, reason: "not a calendar date" });
    expect(coerceText("2024-05-01T25:00:00Z", t())).toEqual({ ok: false, reason: "not a valid time of day" });
    expect(coerceText("May 1 2024", t())).toEqual({ ok: false, reason: "not an ISO 8601 timestamp" });
  });

  it("rejects UTC offsets whose hours or minutes are out of range", () => {
    expect(coerceText("2024-05-01T12:30:00+99:99", t())).toEqual({
      ok: false,
      reason: "not a valid UTC offset (+99:99; hours 00-23, minutes 00-59)",
    });
    expect(coerceText("2024-05-01T12:30:00-2400", t())).toMatchObject({ ok: false });
    expect(coerceText("2024-05-01T12:30:00+05:60", t())).toMatchObject({ ok: false });
    expect(coerceValue("2024-05-01T12:30:00+24:00", t())).toMatchObject({ ok: false });
    expect(coerceText("2024-05-01T12:30:00+23:59", t())).toEqual({
      ok: true,
      value: Date.UTC(2024, 4, 1, 12, 30) - (23 * 60 + 59) * 60_000,
    });
    expect(coerceText("2024-05-01T12:30:00+14:00", t())).toEqual({ ok: true, value: Date.UTC(2024, 4, 0, 22, 30) });
  });

  it("reads dates as epoch days", () => {
    expect(coerceText("1970-01-02", { kind: "date", nullable: false })).toEqual({ ok: true, value: 1 });
    expect(coerceText("1969-12-31", { kind: "date", nullable: false })).toEqual({ ok: true, value: -1 });
  });

  it("checks ints, floats and bools strictly", () => {
    const int = { kind: "int" as const, nullable: false };
    expect(coerceText(" 42 ", int)).toEqual({ ok: true, value: 42 });
    expect(coerceText("4.0", int)).toEqual({ ok: false, reason: "not an int" });
    expect(coerceText("9007199254740993", int)).toEqual({ ok: false, reason: "int out of range (|n| > 2^53)" });
    expect(coerceValue(9007199254740993n, int)).toEqual({ ok: false, reason: "int out of range (|n| > 2^53)" });
    expect(coerceValue(12n, int)).toEqual({ ok: true, value: 12 });
    const float = { kind: "float" as const, nullable: false };
    expect(coerceText("-1.5e3", float)).toEqual({ ok: true, value: -1500 });
    expect(coerceText("NaN", float)).toEqual({ ok: false, reason: "not a number" });
    expect(coerceText("1e999", float)).toEqual({ ok: false, reason: "not a finite number" });
    const bool = { kind: "bool" as const, nullable: false };
    expect(["true", "YES", "1", "false", "No", "0"].map((s) => coerceText(s, bool))).toEqual(
      [true, true, true, false, false, false].map((value) => ({ ok: true, value })),
    );
    expect(coerceValue(2, bool)).toEqual({ ok: false, reason: "expected a bool, got 2" });
  });

  it("treats empty CSV fields and JSON null/missing as null, but keeps an empty JSON string", () => {
    const str = { kind: "string" as const, nullable: true };
    expect(coerceText("", str)).toEqual({ ok: true, value: null });
    expect(coerceValue(undefined, str)).toEqual({ ok: true, value: null });
    expect(coerceValue("", str)).toEqual({ ok: true, value: "" });
    expect(coerceValue(5, str)).toEqual({ ok: false, reason: "expected a string, got a number" });
  });
});
