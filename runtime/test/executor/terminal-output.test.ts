/** What `mlops run` prints from data files is safe on a terminal: control characters of CSV headers and cells are escaped. */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { copyExample, mlops, removeProjects } from "./support/projects.js";

afterAll(removeProjects);

describe("mlops run output", () => {
  it("escapes an ESC sequence in a CSV header when it reports the header", async () => {
    const dir = copyExample("iris");
    const csv = join(dir, "data/iris.csv");
    const text = readFileSync(csv, "utf8");
    const [header, ...rows] = text.split("\n");
    writeFileSync(csv, [header!.replace("species", "species\x1b]0;pwned\x07\x1b[2J"), ...rows].join("\n"));
    const r = await mlops(["run", dir]);
    expect(r.code).toBe(1);
    const output = r.stdout + r.stderr;
    expect(output).not.toContain("\x1b");
    expect(output).not.toContain("\x07");
    expect(output).toContain('"species\\u{1b}]0;pwned\\u{7}\\u{1b}[2J"');
  });
});
