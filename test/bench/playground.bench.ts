/**
 * The web playground: its bundle size (gzip) and the time until the fraud
 * example's first diagnostics appear in the page (Debian's chromium, a fresh
 * cache each run, served on 127.0.0.1), beside the language server's cold
 * start over stdio (spawn → initialize → didOpen → first publishDiagnostics)
 * on the same file.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { buildServer, repoRoot } from "../../language-server/test/support/build-server.js";
import { LspClient } from "../../language-server/test/support/lsp-client.js";
import { buildPlayground } from "../../playground/build.js";
import { serveStatic } from "../../playground/src/serve/static-server.js";
import { browserMissing, launchChromium } from "../../playground/test/support/browser.js";

const RUNS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(0)} kB`;
}

async function stdioColdStart(fraudPath: string): Promise<number[]> {
  const serverPath = await buildServer();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    const client = await LspClient.start(serverPath, { rootPath: join(fraudPath, "..") });
    try {
      const uri = await client.open(fraudPath);
      await client.waitForDiagnostics(uri, () => true, 60_000);
      times.push(performance.now() - start);
    } finally {
      await client.stop();
    }
  }
  return times;
}

async function pageFirstDiagnostics(dist: string): Promise<number[]> {
  const server = await serveStatic(dist);
  const browser = await launchChromium();
  const times: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(server.url);
      await page.waitForSelector("body[data-diagnostics=ready]", { timeout: 60_000 });
      times.push(await page.evaluate(() => performance.getEntriesByName("mlops:first-diagnostics")[0]!.startTime));
      await context.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return times;
}

export default async function bench(): Promise<void> {
  const dist = mkdtempSync(join(tmpdir(), "mlops-playground-bench-"));
  const work = mkdtempSync(join(tmpdir(), "mlops-playground-peer-"));
  try {
    await buildPlayground({ outDir: dist });
    let raw = 0;
    let gzip = 0;
    const rows: string[] = [];
    for (const name of readdirSync(dist).sort()) {
      const bytes = readFileSync(join(dist, name));
      const zipped = gzipSync(bytes).length;
      raw += bytes.length;
      gzip += zipped;
      rows.push(`  ${name.padEnd(28)} ${kb(bytes.length).padStart(8)}  gzip ${kb(zipped).padStart(7)}`);
    }
    console.log(`bundle (playground/dist): ${kb(raw)}, gzip ${kb(gzip)}`);
    for (const row of rows) console.log(row);

    const fraud = join(work, "fraud.mlops");
    copyFileSync(join(repoRoot, "examples", "fraud", "fraud.mlops"), fraud);
    const stdio = median(await stdioColdStart(fraud));
    const missing = browserMissing();
    if (missing) {
      console.log(`language server over stdio, cold start to first diagnostics (fraud): median ${stdio.toFixed(0)} ms`);
      console.log(`page figure ${missing}`);
      return;
    }
    const page = median(await pageFirstDiagnostics(dist));
    console.log(
      `first diagnostics of examples/fraud, median of ${RUNS}: playground page (load, workers, check) ${page.toFixed(0)} ms | ` +
        `language server over stdio (spawn, initialize, check) ${stdio.toFixed(0)} ms | page/stdio ${(page / stdio).toFixed(2)}x`,
    );
  } finally {
    rmSync(dist, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
}
