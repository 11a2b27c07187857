/** Inputs at and past the compiler's limits: they get diagnostics, never a crash or a hang. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Plan } from "@mlops/compiler";
import { runCli } from "../support/cli.js";
import { CHAIN_TERMS, deepProgram } from "../support/deep-program.js";

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "mlops-limits-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe("operator chains at the parser's limit", () => {
  // A smaller stack than Node's default (as in worker threads or a browser tab) makes any walk
  // that recurses on the length of a chain fail here, whatever the machine.
  const smallStack = ["--stack-size=200"];
  const dir = project({ "fraud.mlops": deepProgram(false) });
  const file = join(dir, "fraud.mlops");

  it("check, build, render and fmt handle them with a small stack", () => {
    const check = runCli(["check", file], { nodeOptions: smallStack });
    expect(check.stderr).toBe("");
    expect(check.stdout).toMatch(/^0 errors/m);
    const build = runCli(["build", file, "-o", join(dir, "plan.json")], { nodeOptions: smallStack });
    expect(build.stderr).not.toMatch(/Error/);
    expect(build.status).toBe(0);
    const plan = JSON.parse(readFileSync(join(dir, "plan.json"), "utf8")) as Plan;
    expect(plan.featureSets.tx!.features.find((f) => f.name === "sum")!.expr.nodes).toHaveLength(2 * CHAIN_TERMS - 1);
    expect(plan.gates.release!.rules.map((r) => r.metric)).toContain("recall");
    const render = runCli(["render", "kubernetes", join(dir, "plan.json"), "-o", join(dir, "k8s")], { nodeOptions: smallStack });
    expect(render.stderr).not.toMatch(/Error/);
    expect(render.status).toBe(0);
    const fmt = runCli(["fmt", file], { nodeOptions: smallStack });
    expect(fmt.stderr).not.toMatch(/Error/);
    expect(fmt.status).toBe(0);
    expect(runCli(["check", file], { nodeOptions: smallStack }).stdout).toMatch(/^0 errors/m);
  });
});

describe("import chains", () => {
  it("a chain of 4,500 imported files is checked without recursion", () => {
    const depth = 4500;
    const files: Record<string, string> = { "main.mlops": 'pipeline p { owner = "x" }\nimport "./f0.mlops"\n' };
    for (let i = 0; i < depth; i++) {
      const next = i + 1 < depth ? `import "./f${i + 1}.mlops"\n` : "";
      files[`f${i}.mlops`] = i + 1 < depth ? next : 'param last: int = "x"\n';
    }
    const dir = project(files);
    const r = runCli(["check", "--format", "json", join(dir, "main.mlops")]);
    expect(r.stderr).toBe("");
    const errors = (JSON.parse(r.stdout) as { diagnostics: Array<{ file: string; code: string; severity: string }> }).diagnostics.filter(
      (d) => d.severity === "error",
    );
    expect(errors.map((d) => [d.file.slice(dir.length + 1), d.code])).toEqual([[`f${depth - 1}.mlops`, "type-mismatch"]]);
    expect(r.status).toBe(1);
  });
});
