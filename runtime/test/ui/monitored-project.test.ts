/**
 * `mlops ui` over a deployed, monitored project: the iris example with a monitor on its batch
 * deployment, trained twice by `mlops run` (v1, then v2 with another `l2`), then checked by
 * `mlops monitor` three times — on input drawn like the training data (quiet), on input with
 * shifted petals (drifted, so its policy starts a retrain), and on input with a bad row (failed).
 * In chromium: the checks listed newest first with their verdicts or error, each drift test's
 * statistic and threshold, the drift share and the policy that fired, and the drift-share chart;
 * the two trainings compared (the test metric against `l2`); the lineage graph reaching the
 * deployment; the production alias and the audit trail. Screenshots are saved in
 * runtime/test-artifacts/ui/.
 */
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyExample, edit, removeProjects } from "../executor/support/projects.js";
import { runJson } from "../executor/support/run-json.js";
import { browserMissing } from "../../../playground/test/support/browser.js";
import { expectPlot } from "./support/plots.js";
import { type ProjectUi, startProjectUi } from "./support/project-ui.js";
import { UI_ARTIFACTS, useUiBrowser } from "./support/ui-browser.js";

const missing = browserMissing();
if (missing) console.log(`mlops ui monitor history test ${missing}`);

const MONITOR = `
monitor flower_watch {
  deployment = species_scores
  reference  = training
  window     = 1d
  schedule   = every(1d)
  drift petal_length: psi > 0.2
  drift petal_width:  psi > 0.2
  drift sepal_width:  ks < 0.05
  when drift_share >= 50% => retrain(species_clf)
}
`;

/** The batch deployment's input: every iris measurement, petals lengthened by `shift` cm. */
function writeIncoming(dir: string, shift: number): void {
  const rows = readFileSync(join(dir, "data/iris.csv"), "utf8").trim().split("\n").slice(1);
  const lines = rows.map((row) => {
    const [sepal_length, sepal_width, petal_length, petal_width] = row.split(",").map(Number);
    return JSON.stringify({ sepal_length, sepal_width, petal_length: petal_length! + shift, petal_width: petal_width! + shift / 2 });
  });
  writeFileSync(join(dir, "data/incoming.jsonl"), `${lines.join("\n")}\n`);
}

let server: ProjectUi;
const checks: { quiet: string; drifted: string; failed: string } = { quiet: "", drifted: "", failed: "" };
/** Two trainings that differ in `l2` only: v1 (the default) and v2 (0.01), which becomes production. */
const trainings: string[] = [];

beforeAll(async () => {
  const dir = copyExample("iris");
  appendFileSync(join(dir, "iris.mlops"), MONITOR);
  for (const change of [null, ["epochs = 300 }", "epochs = 300, l2 = 0.01 }"]] as const) {
    if (change) edit(dir, "iris.mlops", change[0], change[1]);
    const { code, result } = await runJson(["run", dir]);
    expect(code).toBe(0);
    trainings.push(result.runId);
  }
  for (const [kind, shift] of [
    ["quiet", 0],
    ["drifted", 2.5],
  ] as const) {
    writeIncoming(dir, shift);
    const { code, result } = await runJson(["monitor", dir]);
    expect(code).toBe(0);
    checks[kind] = result.runId;
  }
  // a bad input row fails the third check: it is listed with its error, and the chart skips it
  appendFileSync(join(dir, "data/incoming.jsonl"), "not json\n");
  const failed = await runJson(["monitor", dir]);
  expect(failed.code).toBe(1);
  checks.failed = failed.result.runId;
  server = await startProjectUi(dir);
}, 300_000);

afterAll(async () => {
  await server?.close();
  removeProjects();
});

describe.skipIf(missing !== undefined)("mlops ui monitor history in chromium", () => {
  const browserPage = useUiBrowser(() => server.url);

  it("lists the quiet, the drifted and the failed check with their statistics or error, and draws the drift share", async () => {
    const page = browserPage();
    await page.goto(server.url);
    await page.locator("nav a", { hasText: "Monitors" }).click();
    await page.waitForURL(/\/monitors$/);
    const rows = page.locator("table.monitors tbody tr");
    expect(await rows.evaluateAll((trs) => trs.map((tr) => [tr.getAttribute("data-run"), tr.getAttribute("data-verdict")]))).toEqual([
      [checks.failed, "failed"],
      [checks.drifted, "drifted"],
      [checks.quiet, "quiet"],
    ]);
    const [failed, drifted, quiet] = [rows.nth(0), rows.nth(1), rows.nth(2)];
    expect(await failed.locator(".error").textContent()).toMatch(/^data\/incoming\.jsonl: 1 bad row/);
    expect(await failed.locator("td").nth(1).textContent()).toBe("flower_watch");
    const cells = async (row: typeof drifted) => row.locator(":scope > td").allTextContents();

    const d = await cells(drifted);
    expect(d[1]).toBe("flower_watch");
    expect(d[2]).toBe("drifted");
    expect(d[3]).toBe("species_clf v2");
    expect(d[4]).toBe("150 / 105");
    expect(Number(d[5])).toBeCloseTo(2 / 3, 3);
    const petal = await drifted.locator("li", { hasText: "petal_length" }).textContent();
    const psi = Number(petal!.match(/psi = ([\d.]+)/)![1]);
    expect(psi).toBeGreaterThan(0.2);
    expect(petal).toContain("(drifts when > 0.2)");
    expect(await drifted.locator("li.drifted code").allTextContents()).toEqual(["petal_length", "petal_width"]);
    expect(await drifted.locator("li.ok code").allTextContents()).toEqual(["sepal_width"]);
    expect(d[7]).toBe("none measured");
    expect(d[8]).toMatch(/^drift_share >= 50% → retrain run \d{8}-\d{6}-[0-9a-f]+: /);
    const retrain = (d[8]!.match(/retrain run (\S+):/) ?? [])[1];
    expect(await drifted.locator("a.action-run").getAttribute("href")).toBe(`/runs/${retrain}`);

    const q = await cells(quiet);
    expect(q[2]).toBe("quiet");
    expect(Number(q[5])).toBe(0);
    expect(await quiet.locator("li.drifted").count()).toBe(0);
    const quietPsi = Number((await quiet.locator("li", { hasText: "petal_length" }).textContent())!.match(/psi = ([\d.]+)/)![1]);
    expect(quietPsi).toBeLessThan(0.2);
    expect(q[8]).toBe("none");

    await expectPlot(page, "[data-figure=drift-flower_watch]");
    expect(await page.locator("[data-figure=drift-flower_watch] svg circle").count()).toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: join(UI_ARTIFACTS, "8-monitor-history.png"), fullPage: true });

    // the retrain the drifted check started: its run page
    await drifted.locator("a.action-run").click();
    await page.waitForURL(new RegExp(`/runs/${retrain}$`));
    expect(await page.locator("main").textContent()).toContain("train.species_clf");
    await page.goBack();
    await quiet.locator("a", { hasText: checks.quiet }).click();
    await page.waitForURL(new RegExp(`/runs/${checks.quiet}$`));
    expect(await page.locator("main").textContent()).toContain("monitor.flower_watch");
    // the check's own page: its monitor report
    expect(await page.locator("section.monitor h2").textContent()).toBe("Monitor flower_watch");
    expect(await page.locator("section.monitor").textContent()).toContain("150 current rows against 105 reference rows");
    await page.screenshot({ path: join(UI_ARTIFACTS, "13-run-monitor-check.png"), fullPage: true });
  });

  it("draws the lineage through to the deployment the monitor watches", async () => {
    const page = browserPage();
    await page.goto(new URL("/lineage", server.url).href);
    await expectPlot(page, "[data-figure=lineage]");
    const text = await page.locator("[data-figure=lineage] svg").textContent();
    for (const label of ["flowers", "species_clf v1", "species_clf v2", "species_scores"]) expect(text).toContain(label);
    await page.screenshot({ path: join(UI_ARTIFACTS, "9-lineage-deployment.png"), fullPage: true });
  });

  it("compares the two trainings: l2 marked as differing, and the test metric drawn against l2", async () => {
    const page = browserPage();
    await page.goto(server.url);
    // the steps column tells monitor checks from trainings, and the filter finds them
    await page.locator("#filter").fill("monitor flower_watch");
    await expect
      .poll(() => page.locator("#runs tbody tr:not([hidden])").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-run"))))
      .toEqual([checks.failed, checks.drifted, checks.quiet]);
    await page.screenshot({ path: join(UI_ARTIFACTS, "12-runs-monitor-checks.png"), fullPage: true });
    await page.locator("#filter").fill("flower_watch (drifted)");
    await expect.poll(() => page.locator("#runs tbody tr:not([hidden])").getAttribute("data-run")).toBe(checks.drifted);
    await page.locator("#filter").fill("");
    for (const id of trainings) await page.locator(`input[name=run][value="${id}"]`).check();
    await page.locator("#compare").click();
    await page.waitForURL(/\/compare\?/);
    const differing = await page.locator("tr.differs > th").allTextContents();
    expect(differing.some((t) => t.includes("l2"))).toBe(true);
    expect(differing.some((t) => t.includes("epochs"))).toBe(false);
    await expectPlot(page, "[data-figure=compare-species_clf-l2]");
    expect(await page.locator("[data-figure=compare-species_clf-l2] figcaption").textContent()).toMatch(/on the test split against l2/);
    await page.screenshot({ path: join(UI_ARTIFACTS, "11-compare-hyperparameter.png"), fullPage: true });
  });

  it("shows the deployed model's production alias on its version and in the audit trail", async () => {
    const page = browserPage();
    await page.goto(new URL("/models", server.url).href);
    expect(await page.locator("table.models tbody tr", { hasText: "species_clf" }).locator(".tag").allTextContents()).toEqual([
      "production → v2",
    ]);
    await page.locator("a", { hasText: "species_clf" }).click();
    await page.waitForURL(/\/models\/species_clf$/);
    expect(await page.locator("table.versions tr#v2 .tag").allTextContents()).toEqual(["production"]);
    expect(await page.locator("table.versions tr#v1 .tag").count()).toBe(0);
    expect(await page.locator("table.versions tr#v2").textContent()).toContain("l2=0.01");
    const audit = await page.locator("table.audit tbody tr").allTextContents();
    expect(audit.some((row) => row.includes("register"))).toBe(true);
    expect(audit.some((row) => row.includes("production"))).toBe(true);
    await page.screenshot({ path: join(UI_ARTIFACTS, "10-model-aliases.png"), fullPage: true });
  });
});
