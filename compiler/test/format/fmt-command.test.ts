import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import type { CliIO } from "../../src/cli/command.js";

let dir: string;
let out: string;
let err: string;
const io = (): CliIO => ({ stdout: (t) => void (out += t), stderr: (t) => void (err += t), isTTY: false, cwd: dir, env: {} });

const messy = 'pipeline p {\n  owner="x"  // who\n  a_long = 1\n}\n';
const tidy = 'pipeline p {\n  owner  = "x" // who\n  a_long = 1\n}\n';

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "mlops-fmt-"));
  out = "";
  err = "";
  mkdirSync(join(dir, "sub/node_modules"), { recursive: true });
  writeFileSync(join(dir, "a.mlops"), messy);
  writeFileSync(join(dir, "sub/b.mlops"), tidy);
  writeFileSync(join(dir, "sub/node_modules/c.mlops"), messy);
  writeFileSync(join(dir, "sub/notes.txt"), messy);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("mlops fmt", () => {
  it("--check lists the files that would change, writes nothing and exits 1", async () => {
    expect(await main(["fmt", "--check", "."], io())).toBe(1);
    expect(out).toBe("a.mlops\n");
    expect(readFileSync(join(dir, "a.mlops"), "utf8")).toBe(messy);
  });

  it("rewrites files below a folder, skipping node_modules, without leaving temp files", async () => {
    expect(await main(["fmt", "."], io())).toBe(0);
    expect(out).toBe("a.mlops\n");
    expect(readFileSync(join(dir, "a.mlops"), "utf8")).toBe(tidy);
    expect(readFileSync(join(dir, "sub/node_modules/c.mlops"), "utf8")).toBe(messy);
    expect(readdirSync(dir).sort()).toEqual(["a.mlops", "sub"]);
    expect(await main(["fmt", "--check", "a.mlops", "sub/b.mlops"], io())).toBe(0);
  });

  it("leaves a file with syntax errors alone, prints its errors and exits 1", async () => {
    writeFileSync(join(dir, "bad.mlops"), "pipeline p {\n  owner = \n}\n");
    expect(await main(["fmt", "bad.mlops"], io())).toBe(1);
    expect(err).toContain("bad.mlops:2:10: error[syntax-error]: expected an expression after `=`");
    expect(readFileSync(join(dir, "bad.mlops"), "utf8")).toBe("pipeline p {\n  owner = \n}\n");
  });

  it.each([
    [["fmt", "--bogus", "a.mlops"], "--bogus"],
    [["fmt", "missing.mlops"], "no such file or directory: missing.mlops"],
    [["fmt"], "no FILE or DIR given"],
  ])("exits 2 with one line for %j", async (args, words) => {
    expect(await main(args, io())).toBe(2);
    expect(err.trimEnd().split("\n")).toHaveLength(1);
    expect(err).toContain(words);
  });
});
