/** validate.S: evaluates the source's expectations and writes the data report (JSON + text). */
import { count } from "@mlops/compiler/core";
import type { BadRowReport } from "../data/bad-rows.js";
import { buildDataReport, formatDataReport } from "../data/expectations.js";
import { decodeDataset } from "../executor/dataset-codec.js";
import { StepFailure, jsonBytes, parseJson, type StepContext, type StepOutcome } from "../executor/step-context.js";
import { sourceOf } from "./plan-lookup.js";

export async function validate(ctx: StepContext): Promise<StepOutcome> {
  const source = sourceOf(ctx.plan, ctx.step.subject.name);
  const dataset = decodeDataset(await ctx.readInput("dataset"), ctx.step.inputs.dataset);
  const badRows = await ctx
    .readArtifact(`ingest.${source.name}/bad_rows`)
    .then((bytes) => parseJson<BadRowReport>(bytes))
    .catch(() => undefined);
  const contentHash = ctx.dataHashes[source.name];
  const report = buildDataReport(source, dataset, { ...(contentHash ? { contentHash } : {}), ...(badRows ? { badRows } : {}) });
  const text = formatDataReport(report);
  await ctx.writeOutput("report", jsonBytes(report));
  await ctx.writeOutput("report_text", text);
  const jsonPath = await ctx.writeReport("data-report.json", jsonBytes(report));
  const textPath = await ctx.writeReport("data-report.txt", text);
  const failed = report.expectations.filter((e) => !e.passed);
  const metrics = { expectations: report.expectations.length, failed: failed.length };
  if (failed.length > 0) {
    const list = failed.map(
      (e) =>
        `  FAIL ${e.text}${
          e.error
            ? ` (${e.error})`
            : ` (${Object.entries(e.aggregates)
                .map(([k, v]) => `${k} = ${v}`)
                .join(", ")})`
        }`,
    );
    throw new StepFailure(
      `${failed.length} of ${count(report.expectations.length, "expectation")} of source ${source.name} failed:\n${list.join("\n")}\n(data report: ${textPath})`,
      [textPath, jsonPath],
      metrics,
    );
  }
  return { metrics, summary: `${count(report.expectations.length, "expectation")} passed` };
}
