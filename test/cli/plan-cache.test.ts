import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { copyExample } from "../support/example-copy.js";

/**
 * The plan cache (`.mlops/plan-cache/`): `mlops run` reuses the last plan only while everything
 * the compiler read is unchanged. Each case edits the project right after a run — within the
 * same clock tick as far as a file's stamp can tell — and the next run must see the edit.
 */
const project = copyExample("iris");
afterAll(() => project.remove());
const cacheDir = join(project.dir, ".mlops", "plan-cache");

function validate(env: Record<string, string> = {}) {
  return runCli(["run", ".", "--only", "validate.flowers"], { cwd: project.dir, env });
}

describe("the plan cache", () => {
  it("stores the plan of a clean compilation and uses it while nothing changed", () => {
    expect(validate().status).toBe(0);
    expect(readdirSync(cacheDir)).toHaveLength(1);
    const again = validate();
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/validate\.flowers/);
  });

  it("sees an edit that keeps the file's size, made right after the run", () => {
    expect(validate().status).toBe(0);
    project.edit("iris.mlops", "row_count >= 100", "row_count >= 900");
    const failing = validate();
    expect(failing.status).toBe(1);
    expect(failing.stdout + failing.stderr).toMatch(/row_count/);
    project.edit("iris.mlops", "row_count >= 900", "row_count >= 100");
    expect(validate().status).toBe(0);
  });

  it("sees a new source file in the project", () => {
    expect(validate().status).toBe(0);
    writeFileSync(join(project.dir, "extra.mlops"), "model broken {\n  task = nonsense\n}\n");
    const broken = validate();
    expect(broken.status).toBe(1);
    expect(broken.stderr).toMatch(/extra\.mlops/);
    writeFileSync(join(project.dir, "extra.mlops"), "/// nothing here\n");
    expect(validate().status).toBe(0);
  });

  it("treats an unreadable entry as a miss and rewrites it", () => {
    for (const name of readdirSync(cacheDir)) writeFileSync(join(cacheDir, name), "{ not json");
    const result = validate();
    expect(result.status, result.stderr).toBe(0);
    for (const name of readdirSync(cacheDir)) {
      const entry = JSON.parse(readFileSync(join(cacheDir, name), "utf8"));
      writeFileSync(join(cacheDir, name), JSON.stringify({ ...entry, recordedAtNs: "soon", questions: 7 }));
    }
    const again = validate();
    expect(again.status, again.stderr).toBe(0);
    for (const name of readdirSync(cacheDir)) expect(() => JSON.parse(readFileSync(join(cacheDir, name), "utf8"))).not.toThrow();
  });

  it("is bound to these very files: an entry whose sources match only by content is not used", () => {
    expect(validate().status).toBe(0);
    const [name] = readdirSync(cacheDir);
    const path = join(cacheDir, name!);
    const entry = JSON.parse(readFileSync(path, "utf8"));
    entry.plan.pipeline.name = "planted";
    writeFileSync(path, JSON.stringify(entry));
    // the entry is what a run uses while the files are untouched (so this test can see it) …
    expect(validate().stdout).toMatch(/: planted,/);
    // … but the same bytes written again (as a clone of a repository shipping the entry would
    // have them) are other files: the sources are compiled
    const source = join(project.dir, "iris.mlops");
    writeFileSync(source, readFileSync(source));
    expect(validate().stdout).toMatch(/: iris_species,/);
  });

  it("is not used or written with MLOPS_PLAN_CACHE=off", () => {
    const other = copyExample("iris");
    try {
      expect(runCli(["run", ".", "--only", "validate.flowers"], { cwd: other.dir, env: { MLOPS_PLAN_CACHE: "off" } }).status).toBe(0);
      expect(existsSync(join(other.dir, ".mlops", "plan-cache"))).toBe(false);
    } finally {
      other.remove();
    }
  });
});
