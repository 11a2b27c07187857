/** What `mlops check` prints on a terminal is safe to print and survives its reader going away. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, runCli } from "../support/cli.js";
import { chain } from "../support/deep-program.js";

const ESC = "\x1b";
const program = (comparison: string) => `pipeline t {
  owner = "t@example.com"
}

source s {
  format = csv
  path   = "d.csv"
  schema {
    c: enum("a", "b")
    x: float
  }
}

features f from s {
  a = ${comparison}
  b = x
}

model m {
  task     = regression
  features = f
  target   = s.x
  trainer  = linear_regression {}
}
`;

describe("control characters", () => {
  it("from source text and file names are printed escaped, with the carets still under the mistake", () => {
    const dir = mkdtempSync(join(tmpdir(), "mlops-term-"));
    const name = `evil${ESC}]0;pwned\x07.mlops`;
    writeFileSync(join(dir, name), program(`c == "${ESC}[2J${ESC}[1;1H0 errors\u202e"`));
    const r = runCli(["check", name], { cwd: dir });
    expect(r.status).toBe(1);
    const output = r.stdout + r.stderr;
    expect(output).not.toContain(ESC);
    expect(output).not.toContain("\x07");
    expect(output).not.toContain("\u202e");
    expect(output).toContain("evil\\u{1b}]0;pwned\\u{7}.mlops:15:12: error[enum-value]:");
    expect(output).toContain('"\\u{1b}[2J\\u{1b}[1;1H0 errors\\u{202e}" is not a value of enum("a", "b")');
    const lines = r.stdout.split("\n");
    const frame = lines.findIndex((line) => line.startsWith(" 15 |"));
    const literal = '"\\u{1b}[2J\\u{1b}[1;1H0 errors\\u{202e}"';
    expect(lines[frame]).toBe(` 15 |   a = c == ${literal}`);
    expect(lines[frame + 1]).toBe(`    |            ${"^".repeat(literal.length)}`);
  });

  it("a line too long for a terminal is cut around the mistake", () => {
    const dir = mkdtempSync(join(tmpdir(), "mlops-term-"));
    writeFileSync(join(dir, "long.mlops"), program(`${chain("x", "+", 500)} + c`));
    const r = runCli(["check", "long.mlops"], { cwd: dir });
    expect(r.status).toBe(1);
    const lines = r.stdout.split("\n");
    const frame = lines.findIndex((line) => line.startsWith(" 15 |"));
    expect(lines[frame]!.length).toBeLessThan(200);
    expect(lines[frame]).toMatch(/^ 15 \| … .* \+ x \+ c$/);
    expect(lines[frame + 1]!.trimEnd().endsWith("^")).toBe(true);
    expect(lines[frame + 1]!.indexOf("^")).toBe(lines[frame]!.lastIndexOf("c"));
  });
});

describe("a closed pipe", () => {
  it("`mlops check … | head -1` prints one line and no EPIPE stack trace", () => {
    const dir = mkdtempSync(join(tmpdir(), "mlops-term-"));
    const lines = Array.from({ length: 3000 }, (_, i) => `  f${i} = c + ${i}`).join("\n");
    writeFileSync(join(dir, "many.mlops"), program("x").replace("  b = x\n", `  b = x\n${lines}\n`));
    const r = spawnSync("sh", ["-c", `"${process.execPath}" "${repoRoot}/compiler/bin/mlops.js" check many.mlops | head -1`], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
    });
    expect(r.stdout.split("\n").filter(Boolean)).toHaveLength(1);
    expect(r.stderr).toBe("");
  });
});
