/**
 * Error quality: the full text output (as `mlops check` prints it) of 15
 * representative mistakes, kept as reviewed snapshot files.
 */
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { formatDiagnosticText } from "../../src/diagnostics/format-text.js";
import { MemoryHost } from "../../src/host/memory-host.js";
import { createProgram } from "../../src/program/program.js";

const dir = fileURLToPath(new URL("quality/", import.meta.url));
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".mlops"))
  .sort();

describe("error quality", () => {
  it("has 15 cases", () => expect(files.length).toBe(15));

  it.each(files)("%s", async (name) => {
    const text = readFileSync(dir + name, "utf8");
    const path = `/project/${name}`;
    const program = createProgram({ host: new MemoryHost({ [path]: text }), rootFiles: [path] });
    const errors = program.diagnostics().filter((d) => d.severity === "error");
    // One diagnostic per mistake; a cycle is reported at each of its members.
    expect(errors.length).toBe(name.includes("cycle") ? 2 : 1);
    const output = errors
      .map((d) => formatDiagnosticText(d, text, { color: false, displayPath: (f) => f.slice("/project/".length) }))
      .join("\n\n");
    await expect(`${output}\n`).toMatchFileSnapshot(`__snapshots__/${name.replace(/\.mlops$/, ".txt")}`);
  });
});
