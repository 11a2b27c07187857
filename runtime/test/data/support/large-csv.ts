import { createWriteStream } from "node:fs";
import type { SourceSpec } from "@mlops/compiler";

const FLOATS = 16;

/** 20 columns: a unique string id, 16 floats, an int with a range, an enum and a bool. */
export function largeSource(path: string): SourceSpec {
  return {
    name: "large",
    format: "csv",
    path,
    columns: [
      { name: "id", type: { kind: "string", nullable: false }, unique: true },
      ...Array.from({ length: FLOATS }, (_, k) => ({ name: `f${k}`, type: { kind: "float" as const, nullable: k === 0 }, unique: false })),
      { name: "hour", type: { kind: "int", nullable: false }, unique: false, range: { min: 0, max: 23 } },
      { name: "kind", type: { kind: "enum", values: ["a", "b", "c"], nullable: false }, unique: false },
      { name: "label", type: { kind: "bool", nullable: false }, unique: false },
    ],
    expectations: [],
    badRows: { policy: "fail", maxBadRows: 0 },
  };
}

/** Writes `rows` deterministic rows of `largeSource` as CSV. */
export async function writeLargeCsv(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  const header = ["id", ...Array.from({ length: FLOATS }, (_, k) => `f${k}`), "hour", "kind", "label"].join(",");
  out.write(`${header}\n`);
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296;
  for (let start = 0; start < rows; start += 10_000) {
    const lines: string[] = [];
    for (let i = start; i < Math.min(rows, start + 10_000); i++) {
      const fields = [`row-${i}`];
      for (let k = 0; k < FLOATS; k++) fields.push(k === 0 && i % 50 === 0 ? "" : (next() * 1000).toFixed(3));
      fields.push(String(i % 24), "abc"[i % 3]!, i % 7 === 0 ? "true" : "false");
      lines.push(fields.join(","));
    }
    if (!out.write(`${lines.join("\n")}\n`)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}
