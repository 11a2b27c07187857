import { describe, expect, it } from "vitest";
import { closestMatch, editDistance } from "../../src/checker/edit-distance.js";

describe("edit distance", () => {
  it("counts insertions, deletions, substitutions and transpositions", () => {
    expect(editDistance("amount", "amount")).toBe(0);
    expect(editDistance("amont", "amount")).toBe(1);
    expect(editDistance("splt", "split")).toBe(1);
    expect(editDistance("pis", "psi")).toBe(1);
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
  });

  it("suggests only close names", () => {
    expect(closestMatch("amont", ["amount", "hour", "country"])).toBe("amount");
    expect(closestMatch("medain", ["mean", "median", "mode"])).toBe("median");
    expect(closestMatch("xyz", ["amount", "hour"])).toBeUndefined();
    expect(closestMatch("AUC", ["auc", "f1"])).toBe("auc");
  });
});
