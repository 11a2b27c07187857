/**
 * The examples ship their data, and those that generate it say the generator is seeded: running
 * `node generate-data.mjs` in a copy of the example rewrites every data file byte for byte. The
 * copies live in the repository's gitignored `.scratch/` so the generators resolve the workspace's
 * packages (house-prices writes parquet with hyparquet-writer) as they do in a clone.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "../support/cli.js";

const EXAMPLES = join(repoRoot, "examples");
const generated = readdirSync(EXAMPLES).filter((name) => existsSync(join(EXAMPLES, name, "generate-data.mjs")));
const scratch = join(repoRoot, ".scratch");
const copies: string[] = [];

afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

describe("example data generators", () => {
  it("are there (every example but iris, whose table is the classic public-domain one)", () => {
    expect(generated.sort()).toEqual(
      readdirSync(EXAMPLES)
        .filter((name) => name !== "iris")
        .sort(),
    );
  });

  it.each(generated)("%s: generate-data.mjs reproduces the shipped data byte for byte", (name) => {
    mkdirSync(scratch, { recursive: true });
    const dir = mkdtempSync(join(scratch, `data-${name}-`));
    copies.push(dir);
    cpSync(join(EXAMPLES, name), dir, { recursive: true, filter: (src) => !/[\\/](\.mlops|out|rendered)$/.test(src) });
    const shipped = readdirSync(join(dir, "data"));
    for (const file of shipped) rmSync(join(dir, "data", file));
    const run = spawnSync(process.execPath, ["generate-data.mjs"], { cwd: dir, encoding: "utf8", timeout: 120_000 });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(readdirSync(join(dir, "data")).sort()).toEqual([...shipped].sort());
    for (const file of shipped)
      expect(readFileSync(join(dir, "data", file)).equals(readFileSync(join(EXAMPLES, name, "data", file))), `${name}/data/${file}`).toBe(
        true,
      );
  });
});
