/** Inputs at and past the compiler's limits: they get diagnostics, never a crash or a hang. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import type { Plan } from "@mlops/compiler";
import { repoRoot, runCli } from "../support/cli.js";
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

/** Seeded random tokens of the language (and some that are not), `bytes` long. */
function randomTokens(bytes: number, seed = 7): string {
  const tokens = [
    "source",
    "model",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "=",
    "+",
    "-",
    "x",
    "amount",
    '"s"',
    "1",
    "2.5",
    "10m",
    ",",
    "\n",
    "and",
    "<",
    ">=",
    ".",
    "gate",
    "require",
    "=>",
    ":",
    "@",
    "#",
  ];
  let state = seed;
  const parts: string[] = [];
  let length = 0;
  while (length < bytes) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const token = tokens[state % tokens.length]!;
    parts.push(token, " ");
    length += token.length + 1;
  }
  return parts.join("").slice(0, bytes);
}

/** Runs the CLI in-process in a child and reports its peak resident memory (bytes). */
function checkWithPeakMemory(file: string): { diagnostics: Array<{ code: string }>; maxRss: number; stderr: string } {
  const main = pathToFileURL(join(repoRoot, "compiler/dist/cli/main.js")).href;
  const script = `const { main } = await import(${JSON.stringify(main)});
const code = await main(["check", "--format", "json", ${JSON.stringify(file)}]);
process.stderr.write("maxrss=" + process.resourceUsage().maxRSS * 1024 + "\\n");
process.exitCode = code;`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const maxRss = Number(/maxrss=(\d+)/.exec(r.stderr)?.[1]);
  return { diagnostics: (JSON.parse(r.stdout) as { diagnostics: Array<{ code: string }> }).diagnostics, maxRss, stderr: r.stderr };
}

describe("files of random tokens", () => {
  const MiB = 1024 * 1024;

  it("give 1,000 diagnostics and one too-many-errors, in memory proportional to the file", () => {
    const dir = project({ "noise.mlops": randomTokens(4 * MiB - 1024) });
    const r = checkWithPeakMemory(join(dir, "noise.mlops"));
    expect(r.diagnostics).toHaveLength(1001);
    expect(r.diagnostics[1000]!.code).toBe("too-many-errors");
    // measured ≈ 220 MB peak for 4 MiB (Node itself ≈ 50 MB); the unbounded compiler took gigabytes
    expect(r.maxRss).toBeLessThan(600 * MiB);
  });

  it("past the size limit (65 MB) are refused before they are read", () => {
    const dir = project({ "noise.mlops": randomTokens(MiB).repeat(65) });
    const r = checkWithPeakMemory(join(dir, "noise.mlops"));
    expect(r.diagnostics.map((d) => d.code)).toEqual(["file-access"]);
    expect(r.maxRss).toBeLessThan(200 * MiB);
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
