import { describe, expect, it } from "vitest";
import { describeQuantity, normalizeQuantity, validUnits } from "../../src/checker/units.js";

describe("quantity units", () => {
  it("normalises durations to milliseconds", () => {
    expect(normalizeQuantity("duration", 10, "m")).toBe(600_000);
    expect(normalizeQuantity("duration", 1.5, "h")).toBe(5_400_000);
    expect(normalizeQuantity("duration", 250, "ms")).toBe(250);
    expect(normalizeQuantity("duration", 1, "w")).toBe(604_800_000);
  });

  it("reads `m` as millicores in a cpu slot and a plain number as cores", () => {
    expect(normalizeQuantity("cpu", 500, "m")).toBe(500);
    expect(normalizeQuantity("cpu", 2, undefined)).toBe(2000);
    expect(normalizeQuantity("cpu", 0.25, undefined)).toBe(250);
  });

  it("normalises memory to bytes, binary and decimal", () => {
    expect(normalizeQuantity("memory", 512, "Mi")).toBe(536_870_912);
    expect(normalizeQuantity("memory", 1, "Gi")).toBe(1_073_741_824);
    expect(normalizeQuantity("memory", 2, "K")).toBe(2000);
  });

  it("reads percentages and plain numbers as ratios", () => {
    expect(normalizeQuantity("ratio", 70, "%")).toBe(0.7);
    expect(normalizeQuantity("ratio", 0.3, undefined)).toBe(0.3);
    expect(normalizeQuantity("ratio", 10, "%")).toBe(0.1);
  });

  it("rejects units that mean nothing in the slot", () => {
    expect(normalizeQuantity("memory", 10, "m")).toBeUndefined();
    expect(normalizeQuantity("cpu", 1, "Gi")).toBeUndefined();
    expect(normalizeQuantity("duration", 10, undefined)).toBeUndefined();
    expect(normalizeQuantity("ratio", 1, "s")).toBeUndefined();
  });

  it("lists valid units per kind", () => {
    expect(validUnits("memory")).toEqual(["Ki", "Mi", "Gi", "Ti", "K", "M", "G", "T"]);
    expect(validUnits("duration")).toEqual(["ms", "s", "m", "h", "d", "w"]);
  });

  it("describes normalised values for hover", () => {
    expect(describeQuantity("memory", 536_870_912)).toBe("536,870,912 bytes");
    expect(describeQuantity("duration", 600_000)).toBe("600,000 ms (10 min)");
    expect(describeQuantity("cpu", 500)).toBe("500 millicores (0.5 cores)");
    expect(describeQuantity("ratio", 0.7)).toBe("0.7 (70%)");
  });
});
