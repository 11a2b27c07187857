import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import { createInterface } from "node:readline";
import type { SourceSpec } from "../plan.js";
import type { ProgressListener } from "./progress.js";
import type { RowSink } from "./row-sink.js";

/**
 * Streams a JSON Lines file (one object per line; blank lines skipped) into `sink`.
 * A missing key is null; keys the schema does not declare are ignored.
 */
export async function readJsonlInto(
  input: string | Readable,
  source: Pick<SourceSpec, "columns">,
  sink: RowSink,
  onProgress?: ProgressListener,
): Promise<void> {
  const stream = typeof input === "string" ? createReadStream(input, { encoding: "utf8" }) : input.setEncoding("utf8");
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  const names = source.columns.map((c) => c.name);
  const values = new Array<unknown>(names.length);
  let line = 0;
  let row = 0;
  let bytes = 0;
  for await (const text of lines) {
    line++;
    if (onProgress) bytes += Buffer.byteLength(text) + 1;
    if (text.trim() === "") continue;
    row++;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line === 1 ? text.replace(/^\uFEFF/, "") : text);
    } catch (error) {
      sink.addBad(row, line, `invalid JSON: ${(error as Error).message}`, text.slice(0, 80));
      continue;
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      sink.addBad(row, line, "not a JSON object", text.slice(0, 80));
      continue;
    }
    const record = parsed as Record<string, unknown>;
    for (let k = 0; k < names.length; k++) values[k] = record[names[k]!];
    sink.addValues(values, row, line);
    if (onProgress && row % 50_000 === 0) onProgress({ rows: row, bytes });
  }
}
