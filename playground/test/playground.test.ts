/**
 * The playground in a real browser (Debian's chromium through playwright-core),
 * served from a fresh build on 127.0.0.1. One page is driven through a session
 * a person would have: read the example, break it, complete, fix, rename,
 * look at the plan, the DAG and the manifests, share the link, reopen it.
 * Screenshots land in playground/test-artifacts/ (gitignored).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inflateRawSync } from "node:zlib";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPlayground } from "../build.js";
import { serveStatic, type StaticServer } from "../src/serve/static-server.js";
import { browserMissing, launchChromium } from "./support/browser.js";

const missing = browserMissing();
if (missing) console.log(`playground browser tests ${missing}`);

const here = join(import.meta.dirname, "..");
const ARTIFACTS = join(here, "test-artifacts");
const FRAUD = readFileSync(join(here, "..", "examples", "fraud", "fraud.mlops"), "utf8");
const TASK_LINE = FRAUD.split("\n").findIndex((line) => line.includes("task     = binary_classification")) + 1;

/** The project a share link holds, decoded here without the page's code. */
function decodeLink(url: string): { files: Record<string, string>; active: string } {
  const fragment = new URL(url).hash;
  expect(fragment.startsWith("#project=")).toBe(true);
  const bytes = Buffer.from(fragment.slice("#project=".length), "base64url");
  return JSON.parse(inflateRawSync(bytes).toString("utf8"));
}

/** Clicks Share and returns the link once the page has written it (the project is compressed asynchronously). */
async function shareLink(page: Page): Promise<string> {
  await page.locator("#share-url").evaluate((input: HTMLInputElement) => {
    input.value = "";
  });
  await page.click("#share-button");
  await page.waitForFunction(() => (document.getElementById("share-url") as HTMLInputElement).value !== "");
  return page.locator("#share-url").inputValue();
}

/** The text of an editor's rendered lines (Monaco draws spaces as no-break spaces). */
async function visibleText(page: Page, editorSelector: string): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: the rendered lines, one per line, are what a person reads
  const text = await page.locator(`${editorSelector} .view-lines`).innerText();
  return text.replace(/\u00a0/g, " ");
}

/** Waits for `read` to satisfy the assertion that follows (the page works off the main thread). */
function eventually<T>(read: () => Promise<T> | T) {
  return expect.poll(read, { timeout: 30_000, interval: 100 });
}

/** Puts the cursor at the start of a 1-based line, with the keys a person would press. */
async function goToLine(page: Page, line: number): Promise<void> {
  await page.locator("#editor .view-lines").click();
  await page.keyboard.press("Control+Home");
  for (let i = 1; i < line; i++) await page.keyboard.press("ArrowDown");
  await eventually(() => page.locator("#cursor-position").textContent()).toMatch(new RegExp(`^Ln ${line},`));
}

/** F2 on the symbol under the cursor, then the new name (the rename box opens with the old one selected). */
async function renameTo(page: Page, name: string): Promise<void> {
  await page.keyboard.press("F2");
  const input = page.locator(".rename-box input");
  await input.waitFor({ state: "visible" });
  await input.fill(name);
}

async function problems(page: Page): Promise<Array<{ code: string; line: string; file: string }>> {
  return page.locator("#problems li").evaluateAll((items) =>
    items.map((li) => ({
      code: li.getAttribute("data-code") ?? "",
      line: li.getAttribute("data-line") ?? "",
      file: li.getAttribute("data-file") ?? "",
    })),
  );
}

async function openPage(browser: Browser, url: string, viewport = { width: 1400, height: 900 }): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(url);
  await page.waitForSelector("body[data-ready=true]", { timeout: 60_000 });
  await page.waitForSelector("body[data-diagnostics=ready]", { timeout: 60_000 });
  return { page, errors };
}

describe.skipIf(missing !== undefined)("the playground in chromium", () => {
  let outDir: string;
  let server: StaticServer;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    outDir = await buildPlayground({ outDir: mkdtempSync(join(tmpdir(), "mlops-playground-")) });
    server = await serveStatic(outDir);
    browser = await launchChromium();
    ({ page, errors } = await openPage(browser, server.url));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it("loads the fraud example, highlighted, checked, with its plan and no console errors", async () => {
    expect(await page.locator("#file-tabs [role=tab]").allTextContents()).toEqual(["fraud.mlops"]);
    expect(await visibleText(page, "#editor")).toContain("pipeline fraud_detection {");
    // the TextMate grammar gave keywords, comments and strings each their own colour
    const classOf = (text: RegExp) => page.locator("#editor .view-line span span", { hasText: text }).first().getAttribute("class");
    const classes = new Set([
      await classOf(/^pipeline$/),
      await classOf(/^\/\/\/\sCard-transaction/),
      await classOf(/^"risk-ml@example\.com"$/),
    ]);
    expect(classes.size).toBe(3);
    expect(await problems(page)).toEqual([]);
    await eventually(() => page.locator("#pane-status").getAttribute("data-state")).toBe("ok");
    expect(await visibleText(page, "#pane-plan")).toContain('"name": "fraud_detection"');
    await page.screenshot({ path: join(ARTIFACTS, "1-loaded.png") });
    expect(errors).toEqual([]);
  });

  it("puts a marker with the diagnostic id at the line of an error as you type", async () => {
    await goToLine(page, TASK_LINE);
    await page.keyboard.press("End");
    await page.keyboard.press("Backspace");
    await eventually(() => problems(page)).toEqual([{ code: "type-mismatch", line: String(TASK_LINE), file: "fraud.mlops" }]);
    await eventually(() => page.locator("#editor .squiggly-error").count()).toBeGreaterThan(0);
    // the squiggle is drawn on the line of the error, and hovering it names the id
    const squiggle = page.locator("#editor .view-overlays .squiggly-error").first();
    const top = await squiggle.evaluate((element) => (element.parentElement as HTMLElement).style.top);
    const lineText = await page
      .locator("#editor .view-line")
      .evaluateAll((lines, at) => lines.find((line) => (line as HTMLElement).style.top === at)?.textContent ?? "", top);
    expect(lineText.replace(/\u00a0/g, " ")).toBe("  task     = binary_classificatio");
    const box = (await squiggle.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await eventually(() => page.locator(".monaco-hover:not(.hidden)").first().textContent()).toContain("type-mismatch");
    await page.screenshot({ path: join(ARTIFACTS, "2-error-marker.png") });
    await page.keyboard.press("Escape");
    // the plan cannot be built while the error stands, and the pane says why
    await eventually(() => page.locator("#pane-status").textContent()).toContain("1 error");
  });

  it("lists the three tasks when completing after `task = `", async () => {
    await goToLine(page, TASK_LINE);
    await page.keyboard.press("End");
    for (const _ of "binary_classificatio") await page.keyboard.press("Backspace");
    await eventually(async () => (await visibleText(page, "#editor")).split("\n")).toContain("  task     = ");
    await page.keyboard.press("Control+Space");
    const rows = page.locator(".suggest-widget .monaco-list-row .label-name");
    await eventually(() => rows.allTextContents()).toEqual(
      expect.arrayContaining(["binary_classification", "multiclass_classification", "regression"]),
    );
    await eventually(() => rows.count()).toBe(3);
    await page.screenshot({ path: join(ARTIFACTS, "3-completion.png") });
  });

  it("clears the marker when the completion fixes the error", async () => {
    await page.keyboard.type("binary");
    await eventually(() => page.locator(".suggest-widget .monaco-list-row.focused .label-name").textContent()).toBe(
      "binary_classification",
    );
    await page.keyboard.press("Enter");
    await eventually(async () => (await visibleText(page, "#editor")).split("\n")).toContain("  task     = binary_classification");
    await eventually(() => problems(page)).toEqual([]);
    await eventually(() => page.locator("#editor .squiggly-error").count()).toBe(0);
    await eventually(() => page.locator("#pane-status").getAttribute("data-state")).toBe("ok");
  });

  it("updates the plan pane and the DAG picture as the program changes (rename across the file)", async () => {
    await goToLine(page, 3);
    await page.keyboard.press("End");
    await page.keyboard.press("Control+ArrowLeft");
    await page.keyboard.press("Control+ArrowLeft");
    await renameTo(page, "fraud_playground");
    await page.keyboard.press("Enter");
    await eventually(() => visibleText(page, "#pane-plan")).toContain('"name": "fraud_playground"');

    await page.click("#tab-dag");
    const steps = page.locator("#pane-dag [data-step]");
    expect(await steps.evaluateAll((nodes) => nodes.map((n) => n.getAttribute("data-step")))).toContain("train.fraud_clf");
    const modelLine = FRAUD.split("\n").findIndex((line) => line.startsWith("model fraud_clf")) + 1;
    await goToLine(page, modelLine);
    await page.keyboard.press("End");
    await page.keyboard.press("Control+ArrowLeft");
    await page.keyboard.press("Control+ArrowLeft");
    await renameTo(page, "fraud_model");
    await page.keyboard.press("Enter");
    await eventually(() => steps.evaluateAll((nodes) => nodes.map((n) => n.getAttribute("data-step")))).toContain("train.fraud_model");
    const ids = await steps.evaluateAll((nodes) => nodes.map((n) => n.getAttribute("data-step")));
    expect(ids).not.toContain("train.fraud_clf");
    // every reference was renamed: no error appeared
    expect(await problems(page)).toEqual([]);
    // an edge for each need: train needs fit_features
    expect(await page.locator('#pane-dag .dag-edge[data-from="fit_features.fraud_model"][data-to="train.fraud_model"]').count()).toBe(1);
    expect(await page.locator("#pane-dag .kind-train rect").evaluate((r) => getComputedStyle(r).fill)).not.toBe(
      await page.locator("#pane-dag .kind-gate rect").evaluate((r) => getComputedStyle(r).fill),
    );
    await page.screenshot({ path: join(ARTIFACTS, "4-dag.png") });
  });

  it("shows the Kubernetes manifests, and the plan of the env picked", async () => {
    await page.click("#tab-kubernetes");
    const files = page.locator("#artifact-file option");
    await eventually(() => files.allTextContents()).toEqual(expect.arrayContaining(["base/kustomization.yaml"]));
    const names = await files.allTextContents();
    const deployment = names.find((n) => n.startsWith("base/") && n.includes("deployment"));
    expect(deployment, names.join(", ")).toBeDefined();
    await page.selectOption("#artifact-file", deployment!);
    await eventually(() => visibleText(page, "#artifact-editor")).toContain("kind: Deployment");
    expect(names.some((n) => n.startsWith("overlays/prod/"))).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, "5-kubernetes.png") });

    await page.selectOption("#env-select", "prod");
    await page.click("#tab-plan");
    await eventually(() => visibleText(page, "#pane-plan")).toContain('"env": "prod"');
  });

  it("reopens the same project from a shared link", async () => {
    const link = await shareLink(page);
    const shared = decodeLink(link);
    expect(Object.keys(shared.files)).toEqual(["fraud.mlops"]);
    const text = shared.files["fraud.mlops"]!;
    expect(text).toContain("pipeline fraud_playground {");
    expect(text).toContain("model fraud_model {");
    expect(text).not.toContain("fraud_clf");
    expect(text.split("\n").length).toBe(FRAUD.split("\n").length);

    const reopened = await openPage(browser, link);
    try {
      expect(await visibleText(reopened.page, "#editor")).toContain("pipeline fraud_playground {");
      expect(await problems(reopened.page)).toEqual([]);
      expect(decodeLink(await shareLink(reopened.page))).toEqual(shared);
      expect(reopened.errors).toEqual([]);
    } finally {
      await reopened.page.close();
    }
  });

  it("stacks the panes on a phone-sized screen, in the dark theme", async () => {
    const phone = await openPage(browser, server.url, { width: 390, height: 844 });
    try {
      await phone.page.click("#theme-button");
      expect(await phone.page.locator("html").getAttribute("class")).toContain("dark");
      const editorBox = (await phone.page.locator(".editor-column").boundingBox())!;
      const sideBox = (await phone.page.locator(".side-column").boundingBox())!;
      expect(sideBox.y).toBeGreaterThanOrEqual(editorBox.y + editorBox.height - 1);
      expect(editorBox.width).toBeGreaterThan(350);
      await phone.page.screenshot({ path: join(ARTIFACTS, "6-phone-dark.png"), fullPage: true });
      expect(phone.errors).toEqual([]);
    } finally {
      await phone.page.close();
    }
  });

  it("is usable from the keyboard: the skip link, then the toolbar, in order", async () => {
    const fresh = await openPage(browser, server.url);
    try {
      await fresh.page.keyboard.press("Tab");
      expect(await fresh.page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to the editor");
      const order: string[] = [];
      for (let i = 0; i < 5; i++) {
        await fresh.page.keyboard.press("Tab");
        order.push(await fresh.page.evaluate(() => document.activeElement?.id ?? ""));
      }
      expect(order).toEqual(["open-menu", "env-select", "format-button", "share-button", "theme-button"]);
    } finally {
      await fresh.page.close();
    }
  });

  it("logged no console error during the session", () => {
    expect(errors).toEqual([]);
  });
});
