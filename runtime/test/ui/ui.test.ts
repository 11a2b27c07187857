/**
 * `mlops ui` over a project with real runs (the credit example, whose model is picked by a search, in two envs),
 * in a real browser: Debian's chromium driven by playwright-core. The runs table sorts, filters
 * and selects runs to compare; the compare view shows them side by side; every page's plots
 * render as non-empty SVG; nothing is fetched from the network. Screenshots of each page land
 * in runtime/test-artifacts/ui/ (gitignored). Also, over plain HTTP: the server answers only
 * requests addressed to the loopback host and sends a strict Content-Security-Policy.
 */
import { spawn } from "node:child_process";
import { request } from "node:http";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO, copyExample, removeProjects } from "../executor/support/projects.js";
import { runJson } from "../executor/support/run-json.js";
import { expectPlot } from "./support/plots.js";
import { type ProjectUi, startProjectUi } from "./support/project-ui.js";
import { browserMissing } from "../../../playground/test/support/browser.js";
import { UI_ARTIFACTS as ARTIFACTS, useUiBrowser } from "./support/ui-browser.js";

const missing = browserMissing();
if (missing) console.log(`mlops ui browser tests ${missing}`);

let dir: string;
let runs: string[];
let server: ProjectUi;

beforeAll(async () => {
  dir = copyExample("credit");
  runs = [];
  for (const env of ["default", "strict"]) {
    const { result } = await runJson(["run", dir, ...(env === "default" ? [] : ["--env", env])]);
    runs.push(result.runId);
  }
  server = await startProjectUi(dir);
}, 300_000);

afterAll(async () => {
  await server?.close();
  removeProjects();
});

function get(path: string, host?: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const url = new URL(path, server.url);
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: host ? { host } : {} }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("mlops ui over HTTP", () => {
  it("answers only requests addressed to the loopback host, with a strict CSP and nothing from elsewhere", async () => {
    const home = await get("/");
    expect(home.status).toBe(200);
    expect(home.headers["content-security-policy"]).toContain("default-src 'none'");
    expect(home.body).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect((await get("/", "evil.example:80")).status).toBe(421);
    expect((await get("/runs/no-such-run")).status).toBe(404);
    expect((await get(`/runs/${runs[0]}`)).body).toContain(runs[0]);
  });
});

describe("the mlops ui command", () => {
  it("prints its loopback URL, serves the runs, and stops cleanly on Ctrl-C", { timeout: 120_000 }, async () => {
    const cli = join(REPO, "runtime/test/executor/support/mlops.ts");
    const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", cli, "ui", "--port", "0", "--project", dir], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.setEncoding("utf8");
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (chunk: string) => {
        stdout += chunk;
        const found = stdout.match(/mlops ui: (http:\/\/127\.0\.0\.1:\d+\/) \(Ctrl-C to stop\)/);
        if (found) resolve(found[1]!);
      });
      child.on("exit", (code) => reject(new Error(`mlops ui exited (${code}) before listening: ${stdout}`)));
    });
    const home = await fetch(url);
    expect(await home.text()).toContain(runs[0]);
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    child.kill("SIGINT");
    expect(await exited).toBe(0);
  });
});

describe.skipIf(missing !== undefined)("mlops ui in chromium", () => {
  const browserPage = useUiBrowser(() => server.url);
  let page: Page;

  beforeAll(() => {
    page = browserPage();
  });

  it("the runs table lists the runs, sorts, filters, and selects two to compare", async () => {
    await page.goto(server.url);
    const ids = await page.locator("#runs tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-run")));
    expect(ids).toEqual([...runs].reverse());
    await page.screenshot({ path: join(ARTIFACTS, "1-runs.png"), fullPage: true });
    await page.locator("#runs th", { hasText: "started" }).click();
    expect(await page.locator("#runs tbody tr").first().getAttribute("data-run")).toBe(runs[0]);
    await page.locator("#filter").fill("strict");
    await expect.poll(() => page.locator("#runs tbody tr:not([hidden])").count()).toBe(1);
    await page.locator("#filter").fill("");
    await expect.poll(() => page.locator("#runs tbody tr:not([hidden])").count()).toBe(2);
    const compare = page.locator("#compare");
    expect(await compare.isDisabled()).toBe(true);
    for (const id of runs) await page.locator(`input[name=run][value="${id}"]`).check();
    expect(await compare.isDisabled()).toBe(false);
    await compare.click();
    await page.waitForURL(/\/compare\?/);
    const columns = await page.locator("table.compare").first().locator("thead th code").allTextContents();
    expect(columns.sort()).toEqual([...runs].sort());
    // the envs set different params: those rows are marked as differing, the trainer's are not
    const differing = await page.locator("tr.differs > th").allTextContents();
    expect(differing.some((t) => t.includes("min_auc"))).toBe(true);
    expect(differing.some((t) => t.includes("epochs"))).toBe(false);
    await expectPlot(page, "[data-figure^=compare-roc]");
    // the search's metric against the searched hyperparameter, one line per run
    await expectPlot(page, "[data-figure=compare-search-default_clf-l2]");
    expect(await page.locator("[data-figure=compare-search-default_clf-l2] svg").textContent()).toContain(runs[1]);
    // strict changes only the gate: the search is the same in both runs, and the caption says so
    expect(await page.locator("[data-figure=compare-search-default_clf-l2] figcaption").textContent()).toContain("the lines coincide");
    await page.screenshot({ path: join(ARTIFACTS, "2-compare.png"), fullPage: true });
    // `MLOPS_UPDATE_DOCS_IMAGES=1 npx vitest run runtime/test/ui/ui.test.ts` refreshes the README's picture
    if (process.env.MLOPS_UPDATE_DOCS_IMAGES === "1")
      await page.screenshot({ path: join(REPO, "docs/images/ui-compare.png"), fullPage: true });
  });

  it("the compare page without two runs offers the recent runs to pick, and compares the picked ones", async () => {
    await page.goto(new URL(`/compare?run=${runs[0]}`, server.url).href);
    expect(await page.locator("main h1").textContent()).toBe("Compare runs");
    expect(
      await page.locator("input[name=run]:checked").evaluateAll((boxes) => boxes.map((b) => (b as unknown as { value: string }).value)),
    ).toEqual([runs[0]]);
    await page.screenshot({ path: join(ARTIFACTS, "2-compare-pick.png"), fullPage: true });
    await page.locator(`input[name=run][value="${runs[1]}"]`).check();
    await page.locator("main button[type=submit]").click();
    await page.waitForURL(/\/compare\?run=.*&run=/);
    expect((await page.locator("table.compare").first().locator("thead th code").allTextContents()).sort()).toEqual([...runs].sort());
  });

  it("a run's page draws its curves, confusion matrix, coefficients and search", async () => {
    await page.goto(new URL(`/runs/${runs[1]}`, server.url).href);
    for (const id of ["roc", "pr", "calibration", "confusion", "coefficients", "search", "search-l2"])
      await expectPlot(page, `[data-figure="${id}"]`);
    expect(await page.locator("table.candidates tbody tr").count()).toBe(4);
    expect(await page.locator("table.rules").textContent()).toContain("auc >=");
    expect(await page.locator("table.expectations").textContent()).toContain("row_count >= 1000");
    await page.screenshot({ path: join(ARTIFACTS, "3-run.png"), fullPage: true });
  });

  it("models, lineage and monitors pages", async () => {
    await page.goto(new URL("/models", server.url).href);
    expect((await page.locator("table.models tbody tr").allTextContents()).map((t) => t.replace(/\d{4}-\d\d-\d\d .*$/, ""))).toEqual([
      "default_clf1v1",
    ]);
    await page.screenshot({ path: join(ARTIFACTS, "4-models.png"), fullPage: true });
    await page.locator("a", { hasText: "default_clf" }).click();
    await page.waitForURL(/\/models\/default_clf$/);
    expect(await page.locator("table.versions").textContent()).toContain("best of 4 by auc");
    expect(await page.locator("table.audit").textContent()).toContain("register");
    await page.screenshot({ path: join(ARTIFACTS, "5-model.png"), fullPage: true });
    await page.goto(new URL("/lineage", server.url).href);
    await expectPlot(page, "[data-figure=lineage]");
    expect(await page.locator("[data-figure=lineage] svg").textContent()).toContain("default_clf");
    await page.screenshot({ path: join(ARTIFACTS, "6-lineage.png"), fullPage: true });
    await page.goto(new URL("/monitors", server.url).href);
    expect(await page.locator("main h1").textContent()).toContain("Monitor");
    expect(await page.locator("main").textContent()).toContain("No monitor has run yet");
    await page.screenshot({ path: join(ARTIFACTS, "7-monitors-none.png"), fullPage: true });
  });
});
