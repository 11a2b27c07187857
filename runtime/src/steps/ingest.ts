/** ingest.S: reads the source file, types every row by the schema, reports bad rows. */
import { count } from "@mlops/compiler/core";
import { stat } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import { formatBadRowReport } from "../data/bad-rows.js";
import { DataError } from "../data/errors.js";
import { readSource } from "../data/read-source.js";
import { encodeDataset } from "../executor/dataset-codec.js";
import { StepFailure, jsonBytes, type StepContext, type StepOutcome } from "../executor/step-context.js";
import { sourceOf } from "./plan-lookup.js";

export async function ingest(ctx: StepContext): Promise<StepOutcome> {
  const source = sourceOf(ctx.plan, ctx.step.subject.name);
  const path = isAbsolute(source.path) ? source.path : join(ctx.projectRoot, source.path);
  const size = await stat(path)
    .then((info) => info.size)
    .catch(() => undefined);
  let result;
  try {
    result = await readSource(source, ctx.projectRoot, {
      grants: ctx.grants,
      env: ctx.env,
      ...(ctx.dataHashes[source.name] !== undefined && { expectedHash: ctx.dataHashes[source.name] }),
      onProgress: (p) =>
        ctx.progress(
          p.bytes !== undefined && size
            ? { label: "reading", done: p.bytes, total: size, detail: `${p.rows} rows` }
            : { label: "reading", done: p.rows, detail: "rows" },
        ),
    });
  } catch (error) {
    if (error instanceof DataError && error.badRows) {
      await ctx.writeOutput("bad_rows", jsonBytes(error.badRows));
      const report = await ctx.writeReport("bad-rows.txt", `${formatBadRowReport(source.path, error.badRows)}\n`);
      throw new StepFailure(`${error.message}\n(bad rows report: ${report})`, [report], { bad_rows: error.badRows.count });
    }
    if (error instanceof DataError) throw new StepFailure(error.message);
    throw error;
  }
  await ctx.writeOutput("dataset", encodeDataset(result.dataset));
  await ctx.writeOutput("bad_rows", jsonBytes(result.badRows));
  if (result.absentColumns.length > 0) {
    const names = result.absentColumns.map((c) => `"${c}"`).join(", ");
    ctx.note(
      `${source.path} has no ${result.absentColumns.length === 1 ? "column" : "columns"} ${names}: read as null (nullable in the schema)`,
    );
  }
  if (result.badRows.dropped > 0) {
    const report = await ctx.writeReport("bad-rows.txt", `${formatBadRowReport(source.path, result.badRows)}\n`);
    ctx.note(`${count(result.badRows.dropped, "bad row")} dropped (see ${report})`);
  }
  return {
    metrics: { rows: result.dataset.rowCount, bad_rows: result.badRows.count },
    summary: `${count(result.dataset.rowCount, "row")}${result.badRows.dropped > 0 ? `, ${result.badRows.dropped} dropped` : ""}`,
  };
}
