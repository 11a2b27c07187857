import { describe, expect, it } from "vitest";
import { decodeDataset, encodeDataset } from "../../src/executor/dataset-codec.js";
import type { Dataset } from "../../src/data/dataset.js";
import { toRecords } from "../../src/data/dataset.js";

describe("dataset codec", () => {
  it("round-trips every storage, nulls and source rows, also from a view into a larger buffer", () => {
    const dataset: Dataset = {
      rowCount: 3,
      columns: [
        {
          name: "x",
          type: { kind: "float", nullable: true },
          storage: "number",
          values: Float64Array.from([1.5, 0, -2]),
          nulls: Uint8Array.from([0, 1, 0]),
        },
        {
          name: "b",
          type: { kind: "bool", nullable: false },
          storage: "bool",
          values: Uint8Array.from([1, 0, 1]),
          nulls: new Uint8Array(3),
        },
        {
          name: "c",
          type: { kind: "enum", values: ["a", "é"], nullable: false },
          storage: "string",
          codes: Int32Array.from([1, 0, 1]),
          dictionary: ["a", "é"],
          nulls: new Uint8Array(3),
        },
      ],
      sourceRows: Uint32Array.from([2, 5, 9]),
    };
    const bytes = encodeDataset(dataset);
    const padded = new Uint8Array(bytes.length + 13);
    padded.set(bytes, 13);
    for (const input of [bytes, padded.subarray(13), Buffer.from(bytes)]) {
      const back = decodeDataset(input);
      expect(toRecords(back)).toEqual([
        { x: 1.5, b: true, c: "é" },
        { x: null, b: false, c: "a" },
        { x: -2, b: true, c: "é" },
      ]);
      expect(Array.from(back.sourceRows!)).toEqual([2, 5, 9]);
      expect(back.columns.map((c) => c.type)).toEqual(dataset.columns.map((c) => c.type));
    }
  });

  it("rejects bytes that are not a dataset", () => {
    expect(() => decodeDataset(new TextEncoder().encode("hello world"), "split.m/train")).toThrow("split.m/train: not a dataset artifact");
  });
});
