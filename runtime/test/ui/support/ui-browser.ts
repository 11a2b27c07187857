/** A chromium page on an `mlops ui` server that records console errors and every request leaving the server. */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect } from "vitest";
import { launchChromium } from "../../../../playground/test/support/browser.js";

/** Where the UI tests save their screenshots: runtime/test-artifacts/ui/ (gitignored). */
export const UI_ARTIFACTS = join(import.meta.dirname, "..", "..", "..", "test-artifacts", "ui");

export interface UiBrowser {
  browser: Browser;
  page: Page;
  /** Console errors and uncaught exceptions of the pages. */
  errors: string[];
  /** Requests to anywhere but the UI server (there must be none). */
  offsite: string[];
}

export async function openUiBrowser(serverUrl: string): Promise<UiBrowser> {
  mkdirSync(UI_ARTIFACTS, { recursive: true });
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors: string[] = [];
  const offsite: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("request", (r) => {
    if (!r.url().startsWith(serverUrl)) offsite.push(r.url());
  });
  return { browser, page, errors, offsite };
}

/**
 * Opens the browser before the enclosing describe's tests and closes it after them, then checks
 * that no page logged an error or fetched anything from elsewhere. Returns the page's getter.
 */
export function useUiBrowser(serverUrl: () => string): () => Page {
  let ui: UiBrowser | undefined;
  beforeAll(async () => {
    ui = await openUiBrowser(serverUrl());
  }, 120_000);
  afterAll(async () => {
    await ui?.browser.close();
    expect(ui?.errors).toEqual([]);
    expect(ui?.offsite).toEqual([]);
  });
  return () => ui!.page;
}
