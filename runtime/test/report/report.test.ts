/**
 * `mlops report RUN -o DIR` on a real run (the credit example, whose model is picked by a search): one self-contained
 * HTML file, opened from disk in a real browser (Debian's chromium through playwright-core) with
 * every request watched: nothing leaves the file, every picture renders. The screenshot lands
 * in runtime/test-artifacts/report/ (gitignored).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserMissing, launchChromium } from "../../../playground/test/support/browser.js";
import { copyExample, mlops, removeProjects } from "../executor/support/projects.js";
import { runJson } from "../executor/support/run-json.js";
import { expectPlot } from "../ui/support/plots.js";

const missing = browserMissing();
if (missing) console.log(`mlops report browser test ${missing}`);

const ARTIFACTS = join(import.meta.dirname, "..", "..", "test-artifacts", "report");

let dir: string;
let out: string;
let runId: string;

beforeAll(async () => {
  dir = copyExample("credit");
  const { code, result } = await runJson(["run", dir]);
  expect(code).toBe(0);
  runId = result.runId;
  out = mkdtempSync(join(tmpdir(), "mlops-report-"));
}, 300_000);

afterAll(() => {
  removeProjects();
  if (out) rmSync(out, { recursive: true, force: true });
});

describe("mlops report", () => {
  it("writes one self-contained page: facts, metrics (gate's first), search, gate rules, expectations", async () => {
    const written = await mlops(["report", "latest", "-o", out, "--project", dir]);
    expect(written.stderr).toBe("");
    expect(written.code).toBe(0);
    expect(written.stdout).toContain(`(run ${runId})`);
    const page = readFileSync(join(out, "index.html"), "utf8");
    expect(page).not.toMatch(/<script|<link|(src|href)="(https?:)?\/\//);
    expect(page).toContain(runId);
    for (const figure of ["roc", "pr", "calibration", "confusion", "coefficients", "search", "search-l2"])
      expect(page).toContain(`data-figure="${figure}"`);
    expect(page).toMatch(/<table class="metrics">.*?<code>auc<\/code>.*?gate/s);
    expect(page).toContain("row_count &gt;= 1000");
    expect(page).toMatch(/<table class="candidates">/);
    // the refit is L-BFGS over the whole split: no step size, no batches
    const unused = [...page.matchAll(/<code>(\w+)<\/code><\/td><td>[^<]*<span class="muted unused">/g)].map((m) => m[1]);
    expect(unused.sort()).toEqual(["batch_size", "learning_rate"]);
    const missingRun = await mlops(["report", "nope", "-o", out, "--project", dir]);
    expect(missingRun).toMatchObject({ code: 1, stderr: "mlops report: no run nope\n" });
  });

  it.skipIf(missing !== undefined)(
    "renders in chromium from disk with every picture drawn and no request beyond the file",
    { timeout: 120_000 },
    async () => {
      await mlops(["report", runId, "-o", out, "--project", dir]);
      mkdirSync(ARTIFACTS, { recursive: true });
      const browser = await launchChromium();
      try {
        const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
        const requests: string[] = [];
        const errors: string[] = [];
        page.on("request", (r) => requests.push(r.url()));
        page.on("pageerror", (e) => errors.push(e.message));
        const url = pathToFileURL(join(out, "index.html")).href;
        await page.goto(url);
        for (const figure of ["roc", "pr", "calibration", "confusion", "coefficients", "search", "search-l2"])
          await expectPlot(page, `[data-figure="${figure}"]`);
        expect(await page.locator("table.rules tbody tr").count()).toBe(3);
        expect(await page.locator("table.candidates tbody tr").count()).toBe(4);
        await page.screenshot({ path: join(ARTIFACTS, "report.png"), fullPage: true });
        expect(requests).toEqual([url]);
        expect(errors).toEqual([]);
      } finally {
        await browser.close();
      }
    },
  );
});
