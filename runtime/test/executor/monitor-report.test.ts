/**
 * The drift report: one HTML page per monitor check (per column the statistic, threshold and
 * verdict; reference-vs-current histograms as inline SVG), written under .mlops/reports/ and by
 * `mlops monitor --report DIR`, opened in a real browser with the network cut: it needs nothing else.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserMissing, launchChromium } from "../../../playground/test/support/browser.js";
import { copyExample, mlops, removeProjects } from "./support/projects.js";
import { runJson } from "./support/run-json.js";

const MONITOR = `
monitor iris_drift {
  deployment = species_scores
  reference  = training
  window     = 1d
  schedule   = every(6h)
  drift petal_length: psi > 0.2
  drift sepal_width:  ks < 0.05
  drift prediction:   psi > 0.2
}
`;

function writeTraffic(dir: string, shift: number): void {
  const rows = readFileSync(join(dir, "data/iris.csv"), "utf8").trim().split("\n").slice(1);
  const now = Date.now();
  const lines = rows.map((row, i) => {
    const [sl, sw, pl, pw] = row.split(",").map(Number);
    const record = { sepal_length: sl, sepal_width: sw, petal_length: pl! + shift, petal_width: pw };
    return JSON.stringify({ at: new Date(now - (i + 1) * 60_000).toISOString(), record, latencyMs: 2 });
  });
  mkdirSync(join(dir, ".mlops/requests"), { recursive: true });
  writeFileSync(join(dir, ".mlops/requests/species_scores.jsonl"), `${lines.join("\n")}\n`);
}

const missing = browserMissing();
let browser: Browser | undefined;
beforeAll(async () => {
  if (!missing) browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  removeProjects();
});

describe("the drift report", () => {
  it("is written per check and by --report DIR, with a verdict and a histogram per target", async () => {
    const dir = copyExample("iris");
    appendFileSync(join(dir, "iris.mlops"), MONITOR);
    expect((await runJson(["run", dir])).code).toBe(0);
    writeTraffic(dir, 2.5);
    const out = join(dir, "drift-reports");
    const result = await mlops(["monitor", dir, "--report", out], undefined, {});
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const html = readFileSync(join(out, "monitor.iris_drift.html"), "utf8");
    expect(html).toBe(readFileSync(join(dir, ".mlops/reports/monitor.iris_drift/drift.html"), "utf8"));
    expect(html).toMatch(/<td>petal_length<\/td><td>psi<\/td><td>[\d.]+<\/td><td>&gt;=? 0.2<\/td><td class="drift">DRIFT<\/td>/);
    expect(html).toMatch(/<td>sepal_width<\/td><td>ks<\/td><td>[\d.e-]+<\/td><td>&lt;=? 0.05<\/td><td class="ok">ok<\/td>/);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(result.stdout).toContain(`drift report: ${join(out, "monitor.iris_drift.html")}`);

    // a later check overwrites .mlops/reports/; `mlops report RUN` still writes that run's own drift report
    const first = (await mlops(["runs", "list", "--json", "--project", dir])).stdout;
    const runId = (JSON.parse(first) as Array<{ id: string }>)[0]!.id;
    writeTraffic(dir, 0);
    expect((await mlops(["monitor", dir], undefined, {})).code).toBe(0);
    expect(readFileSync(join(dir, ".mlops/reports/monitor.iris_drift/drift.html"), "utf8")).not.toBe(html);
    const written = await mlops(["report", runId, "-o", join(dir, "old-check"), "--project", dir]);
    expect(written.stdout).toContain("(the drift report of monitor.iris_drift in this run)");
    expect(readFileSync(join(dir, "old-check/monitor.iris_drift.html"), "utf8")).toBe(html);
  });

  it.skipIf(missing !== undefined)("renders offline in chromium: one chart per target, two bars per bin", async () => {
    const dir = copyExample("iris");
    appendFileSync(join(dir, "iris.mlops"), MONITOR);
    expect((await runJson(["run", dir])).code).toBe(0);
    writeTraffic(dir, 2.5);
    const checked = await runJson(["monitor", dir]);
    expect(checked.code).toBe(0);
    const shown = await mlops(["runs", "show", checked.result.runId, "--project", dir]);
    expect(shown.stdout).toContain(
      `monitor.iris_drift: every policy quiet\n  drift report of this check: \`mlops report ${checked.result.runId} -o DIR\` writes DIR/monitor.iris_drift.html (the latest check's: .mlops/reports/monitor.iris_drift/drift.html)`,
    );
    const path = join(dir, ".mlops/reports/monitor.iris_drift/drift.html");
    expect(existsSync(path)).toBe(true);
    const page = await browser!.newPage();
    const fetched: string[] = [];
    await page.route("**/*", (route) => {
      if (route.request().url().startsWith("file:")) return route.continue();
      fetched.push(route.request().url());
      return route.abort();
    });
    await page.goto(pathToFileURL(path).href);
    expect(await page.title()).toBe("Monitor iris_drift: species_clf v1");
    expect(await page.locator("figure").count()).toBe(3);
    const petal = page.locator("figure", { hasText: "petal_length" });
    expect(await petal.locator("figcaption .drift").textContent()).toBe("DRIFT");
    expect(await petal.locator("svg rect").count()).toBe(40);
    const heights = await petal.locator("svg rect").evaluateAll((rects) => rects.map((r) => r.getBoundingClientRect().height));
    expect(heights.some((h) => h > 10)).toBe(true);
    expect(fetched).toEqual([]);
    await page.close();
  });
});
