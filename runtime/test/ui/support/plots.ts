/** Browser-side checks shared by the report and UI tests. */
import type { Page } from "playwright-core";
import { expect } from "vitest";

/** The figure's SVG is on screen with a real size and drawn marks (not an empty frame). */
export async function expectPlot(page: Page, selector: string): Promise<void> {
  const figure = page.locator(selector).first();
  expect(await page.locator(selector).count(), selector).toBeGreaterThan(0);
  const box = await figure.locator("svg").first().boundingBox();
  expect(box?.width ?? 0, selector).toBeGreaterThan(100);
  expect(box?.height ?? 0, selector).toBeGreaterThan(100);
  expect(await figure.locator("svg :is(path, rect, circle, polyline, line)").count(), selector).toBeGreaterThan(3);
}
