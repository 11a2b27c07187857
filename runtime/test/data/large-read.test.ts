import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { writeLargeCsv } from "./support/large-csv.js";

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "mlops-large-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("reading 1M rows × 20 columns", () => {
  it("stays under 600 MB of peak RSS", { timeout: 300_000 }, async () => {
    const file = join(dir, "large.csv");
    await writeLargeCsv(file, 1_000_000);
    const child = fileURLToPath(new URL("./support/read-large.ts", import.meta.url));
    const { stdout } = await run(process.execPath, ["--import", "tsx", child, file], { maxBuffer: 1 << 20 });
    const result = JSON.parse(stdout) as {
      rows: number;
      columns: number;
      maxRssBytes: number;
      progress: { rows: number; bytes: number };
      progressCalls: number;
    };
    console.log(`1M-row CSV (${(statSync(file).size / 1e6).toFixed(0)} MB): peak RSS ${(result.maxRssBytes / 1e6).toFixed(0)} MB`);
    expect(result.rows).toBe(1_000_000);
    expect(result.columns).toBe(20);
    expect(result.progressCalls).toBe(20);
    expect(result.progress.rows).toBe(1_000_000);
    expect(result.progress.bytes).toBeLessThanOrEqual(statSync(file).size);
    expect(result.maxRssBytes).toBeLessThan(600 * 1024 * 1024);
  });
});
