import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyEdits, diffEdits } from "../src/util/text-diff.js";

const line = fc.constantFrom("a\n", "b\n", "  c = 1\n", "\n", "}\n", "x", "y\r\n");
const text = fc.array(line, { maxLength: 12 }).map((lines) => lines.join(""));

describe("diffEdits", () => {
  it("turns any text into any other text", () => {
    fc.assert(
      fc.property(text, text, (before, after) => {
        expect(applyEdits(before, diffEdits(before, after))).toBe(after);
      }),
      { numRuns: 2000 },
    );
  });

  it("touches only the lines that changed", () => {
    const edits = diffEdits("a\nb\nc\nd\n", "a\nB\nc\nD\n");
    expect(edits).toEqual([
      { range: { start: { line: 1, character: 0 }, end: { line: 2, character: 0 } }, newText: "B\n" },
      { range: { start: { line: 3, character: 0 }, end: { line: 4, character: 0 } }, newText: "D\n" },
    ]);
  });
});
