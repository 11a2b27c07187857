/**
 * A regression's pictures, from a real run of the house-prices example: `runs show --json` holds
 * the residual histogram and the prediction sample of the test split, and `mlops report` draws
 * them (predicted against actual, residuals) with the coefficients, checked in chromium from disk;
 * the trainer settings the closed-form solver does not read are marked.
 * The screenshot lands in runtime/test-artifacts/report/ (gitignored).
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserMissing, launchChromium } from "../../../playground/test/support/browser.js";
import type { RunDetails } from "../../src/store/metadata-store.js";
import { copyExample, mlops, removeProjects } from "../executor/support/projects.js";
import { runJson } from "../executor/support/run-json.js";
import { expectPlot } from "../ui/support/plots.js";

const missing = browserMissing();
if (missing) console.log(`mlops report regression browser test ${missing}`);

const ARTIFACTS = join(import.meta.dirname, "..", "..", "test-artifacts", "report");

interface RegressionCurves {
  task: string;
  residuals: { edges: number[]; counts: number[] };
  sample: { actual: number[]; predicted: number[] };
}

let dir: string;
let out: string;
let run: RunDetails;

beforeAll(async () => {
  dir = copyExample("house-prices");
  const { code, result } = await runJson(["run", dir]);
  expect(code).toBe(0);
  const shown = await mlops(["runs", "show", result.runId, "--json", "--project", dir]);
  expect(shown.code).toBe(0);
  run = JSON.parse(shown.stdout) as RunDetails;
  out = mkdtempSync(join(tmpdir(), "mlops-report-"));
}, 300_000);

afterAll(() => {
  removeProjects();
  if (out) rmSync(out, { recursive: true, force: true });
});

describe("a regression's run record and report", () => {
  it("records the residuals of every test row and a sample of predictions against actual values", () => {
    const curves = run.details.find((d) => d.stepId === "evaluate.price_model" && d.name === "curves")!.value as RegressionCurves;
    expect(curves.task).toBe("regression");
    const testRows = run.metrics.find((m) => m.stepId === "split.price_model" && m.name === "test_rows")!.value!;
    expect(curves.residuals.counts.reduce((a, b) => a + b, 0)).toBe(testRows);
    expect(curves.residuals.edges).toHaveLength(curves.residuals.counts.length + 1);
    expect(curves.sample.actual.length).toBeGreaterThan(10);
    expect(curves.sample.predicted).toHaveLength(curves.sample.actual.length);
    // r2 > 0.6 on this data: predictions follow the actual prices
    const error = curves.sample.actual.map((a, i) => Math.abs(a - curves.sample.predicted[i]!) / a);
    expect(error.filter((e) => e < 0.5).length / error.length).toBeGreaterThan(0.8);
  });

  it.skipIf(missing !== undefined)("draws predicted against actual, the residuals and the coefficients", { timeout: 120_000 }, async () => {
    const written = await mlops(["report", run.id, "-o", out, "--project", dir]);
    expect(written.code).toBe(0);
    mkdirSync(ARTIFACTS, { recursive: true });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
      const requests: string[] = [];
      page.on("request", (r) => requests.push(r.url()));
      const url = pathToFileURL(join(out, "index.html")).href;
      await page.goto(url);
      for (const figure of ["predicted", "residuals", "coefficients"]) await expectPlot(page, `[data-figure="${figure}"]`);
      expect(await page.locator("[data-figure=roc]").count()).toBe(0);
      expect(await page.locator("table.metrics").first().textContent()).toContain("r2");
      // the normal equations read only l2: the iterative settings are marked as having no effect
      const unused = await page.locator("table.hyperparameters tr:has(.unused) code").allTextContents();
      expect(unused.sort()).toEqual(["batch_size", "epochs", "learning_rate", "tolerance"]);
      await page.screenshot({ path: join(ARTIFACTS, "report-regression.png"), fullPage: true });
      expect(requests).toEqual([url]);
    } finally {
      await browser.close();
    }
  });
});
