/** `mlops run` reads and writes inside the project unless the run allows a directory outside it (the real CLI). */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { copyExample, type ExampleCopy } from "../support/example-copy.js";

const copies: ExampleCopy[] = [];
afterAll(() => {
  for (const copy of copies) copy.remove();
});

function iris(): ExampleCopy {
  const copy = copyExample("iris");
  copies.push(copy);
  return copy;
}

/** Trains and deploys the iris model so the batch group can score. */
function trained(): ExampleCopy {
  const copy = iris();
  const r = runCli(["run", copy.dir], { timeout: 240_000 });
  expect(r.status, r.stdout + r.stderr).toBe(0);
  return copy;
}

const batch = (dir: string, ...flags: string[]) => runCli(["run", dir, "--group", "batch.species_scores", ...flags], { timeout: 240_000 });

describe("batch outputs stay inside the project", () => {
  it("refuses ../victim.txt and leaves the file there as it was", () => {
    const copy = trained();
    writeFileSync(join(copy.outer, "victim.txt"), "precious");
    copy.edit("iris.mlops", '"out/scores.jsonl"', '"../victim.txt"');
    const r = batch(copy.dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('deployment species_scores writes "../victim.txt": outside the project');
    expect(readFileSync(join(copy.outer, "victim.txt"), "utf8")).toBe("precious");
  }, 300_000);

  it("refuses an absolute path outside the project without creating its folders; --allow-write DIR allows it", () => {
    const copy = trained();
    const target = join(copy.outer, "exports", "day", "scores.jsonl");
    copy.edit("iris.mlops", '"out/scores.jsonl"', JSON.stringify(target));
    const refused = batch(copy.dir);
    expect(refused.status).toBe(1);
    // The plan holds paths relative to the project root.
    expect(refused.stdout).toContain('writes "../exports/day/scores.jsonl": outside the project');
    expect(existsSync(join(copy.outer, "exports"))).toBe(false);
    const allowed = batch(copy.dir, "--allow-write", join(copy.outer, "exports"));
    expect(allowed.status, allowed.stdout).toBe(0);
    const incoming = readFileSync(join(copy.dir, "data/incoming.jsonl"), "utf8").trim().split("\n").length;
    expect(readFileSync(target, "utf8").trim().split("\n")).toHaveLength(incoming);
  }, 300_000);

  it("refuses an output folder that is a link to outside the project", () => {
    const copy = trained();
    mkdirSync(join(copy.outer, "elsewhere"));
    symlinkSync(join(copy.outer, "elsewhere"), join(copy.dir, "out"));
    const r = batch(copy.dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('writes "out/scores.jsonl", which leads outside the project through a link');
    expect(readdirSync(join(copy.outer, "elsewhere"))).toEqual([]);
  }, 300_000);
});

describe("sources outside the project need --allow-read", () => {
  it("a source path outside the project is refused, and allowed with --allow-read", () => {
    const copy = iris();
    renameSync(join(copy.dir, "data/iris.csv"), join(copy.outer, "iris.csv"));
    copy.edit("iris.mlops", '"data/iris.csv"', '"../iris.csv"');
    const refused = runCli(["run", copy.dir, "--only", "ingest.flowers"]);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toContain("../iris.csv is outside the project");
    expect(refused.stdout).toContain("--allow-read DIR or MLOPS_ALLOW_READ");
    const allowed = runCli(["run", copy.dir, "--only", "ingest.flowers", "--allow-read", copy.outer]);
    expect(allowed.status, allowed.stdout).toBe(0);
    const byEnv = runCli(["run", copy.dir, "--only", "ingest.flowers", "--force"], { env: { MLOPS_ALLOW_READ: copy.outer } });
    expect(byEnv.status, byEnv.stdout).toBe(0);
  }, 300_000);

  it("a link inside the project to a file outside it is refused, and its content never reaches the store", () => {
    const copy = iris();
    const secret = join(copy.outer, "secret.csv");
    writeFileSync(secret, "sepal_length,sepal_width,petal_length,petal_width,species\n1,1,1,1,TOPSECRET\n");
    symlinkSync(secret, join(copy.dir, "data/leak.csv"));
    copy.edit("iris.mlops", '"data/iris.csv"', '"data/leak.csv"');
    const r = runCli(["run", copy.dir, "--only", "ingest.flowers"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`data/leak.csv (through a link to ${secret}) is outside the project`);
    expect(r.stdout).not.toContain("TOPSECRET");
    const store = join(copy.dir, ".mlops", "artifacts");
    const stored = existsSync(store) ? readdirSync(store, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()) : [];
    for (const entry of stored) expect(readFileSync(join(entry.parentPath, entry.name), "latin1")).not.toContain("TOPSECRET");
  }, 300_000);

  it("a device or a FIFO as a source is refused without hanging", () => {
    const copy = iris();
    copy.edit("iris.mlops", '"data/iris.csv"', '"/dev/zero"');
    const device = runCli(["run", copy.dir, "--only", "ingest.flowers", "--allow-read", "/dev"], { timeout: 60_000 });
    expect(device.status).toBe(1);
    expect(device.stdout).toContain("/dev/zero is not a regular file (a device); source flowers reads regular files only");
    copy.edit("iris.mlops", '"/dev/zero"', '"data/pipe.csv"');
    execFileSync("mkfifo", [join(copy.dir, "data/pipe.csv")]);
    const fifo = runCli(["run", copy.dir, "--only", "ingest.flowers"], { timeout: 60_000 });
    expect(fifo.status).toBe(1);
    expect(fifo.stdout).toContain("data/pipe.csv is not a regular file (a FIFO)");
  }, 180_000);
});
