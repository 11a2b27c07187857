import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, runCli, sharedDir } from "../support/cli.js";

// The invalid programs these tests read live in the project's own `//~` corpus.
const invalid = `${repoRoot}/test/corpus/conformance/invalid`;
const sharedConformance = `${sharedDir}/bin/conformance.mjs`;
if (!existsSync(sharedConformance)) console.log("skipped: the shared conformance corpus (../shared is not beside this checkout)");

describe("mlops check", () => {
  it("exits 0 on a valid program and prints a summary", () => {
    const r = runCli(["check", "examples/fraud/fraud.mlops"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^0 errors, \d+ warnings? in 1 file\n$/m);
  });

  it("prints file:line:col, severity, code, message and a code frame with carets", () => {
    const r = runCli(["check", `${invalid}/unknown_reference.mlops`], { cwd: invalid });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("unknown_reference.mlops:19:13: error[unknown-reference]:");
    expect(r.stdout).toContain("19 |   a = log1p(amount)");
    expect(r.stdout).toMatch(/\n\s+\|\s{13}\^{6}\n/);
    expect(r.stdout).toMatch(/1 error, \d+ warnings? in 1 file/);
  });

  it("colors only on a TTY", () => {
    const r = runCli(["check", `${invalid}/unknown_reference.mlops`]);
    expect(r.stdout).not.toContain("\x1b[");
  });

  it("--format json prints one object with LSP positions", () => {
    const r = runCli(["check", "--format", "json", `${invalid}/enum_value.mlops`]);
    expect(r.status).toBe(1);
    const diagnostics = (JSON.parse(r.stdout) as { diagnostics: Array<Record<string, unknown>> }).diagnostics.filter(
      (d) => d.severity === "error",
    );
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({
      file: `${invalid}/enum_value.mlops`.replace(/\/[^/]+\/\.\.\//, "/"),
      severity: "error",
      code: "enum-value",
      range: { start: { line: 18, character: expect.any(Number) } },
      hints: expect.any(Array),
    });
  });

  it("--format sarif is valid SARIF 2.1.0", () => {
    const r = runCli(["check", "--format", "sarif", `${invalid}/type_mismatch.mlops`, `${invalid}/out_of_range.mlops`]);
    expect(r.status).toBe(1);
    const log = JSON.parse(r.stdout) as {
      version: string;
      runs: Array<{ results: Array<{ ruleId: string; locations: Array<{ physicalLocation: { region: { startLine: number } } }> }> }>;
    };
    // The official SARIF 2.1.0 schema (draft-04) as shipped by @microsoft/jest-sarif, checked with its own ajv 6.
    const requireFromSarif = createRequire(createRequire(import.meta.url).resolve("@microsoft/jest-sarif/package.json"));
    const Ajv = requireFromSarif("ajv") as new (
      options: object,
    ) => { addMetaSchema(s: object): void; compile(s: object): ((v: unknown) => boolean) & { errors?: unknown } };
    const ajv = new Ajv({ schemaId: "auto", validateSchema: false, allErrors: true });
    ajv.addMetaSchema(requireFromSarif("ajv/lib/refs/json-schema-draft-04.json") as object);
    const validate = ajv.compile(requireFromSarif("./lib/schemas/sarif-2.1.0-rtm.5.json") as object);
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    expect(log.version).toBe("2.1.0");
    const results = log.runs[0]!.results.filter((x) => (x as { level?: string }).level === "error");
    expect(results.map((x) => x.ruleId).sort()).toEqual(["out-of-range", "out-of-range", "out-of-range", "type-mismatch", "type-mismatch"]);
    expect(results.every((x) => x.locations[0]!.physicalLocation.region.startLine >= 1)).toBe(true);
  });

  it("exits 2 with one line for usage errors", () => {
    for (const args of [
      ["check", "--bogus", "x.mlops"],
      ["check", "no/such/file.mlops"],
      ["check"],
      ["check", "--format", "xml", "examples"],
    ]) {
      const r = runCli(args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
      expect(r.stdout).toBe("");
    }
    expect(runCli(["frobnicate"]).status).toBe(2);
  });

  it("checks a directory as one program and warnings do not fail it", () => {
    const dir = mkdtempSync(join(tmpdir(), "mlops-check-"));
    writeFileSync(join(dir, "main.mlops"), 'pipeline p { owner = "a@b.c" }\nimport "./sources.mlops"\n');
    writeFileSync(join(dir, "sources.mlops"), 'source s {\n  format = csv\n  path = "d.csv"\n  schema { x: float }\n}\n');
    const r = runCli(["check", dir]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("warning[unused-declaration]");
    expect(r.stdout).toContain("0 errors, 1 warning in 2 files");
  });

  it("never crashes on garbage", () => {
    const dir = mkdtempSync(join(tmpdir(), "mlops-garbage-"));
    writeFileSync(join(dir, "g.mlops"), '\u0000\u0001 }}}{{{ (((( model model = = "unterminated\n\u2028 ~~~ 1e999999 512Xi');
    const r = runCli(["check", "--format", "json", join(dir, "g.mlops")]);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).diagnostics.length).toBeGreaterThan(0);
  });
});

describe.runIf(existsSync(sharedConformance))("the shared conformance corpus", () => {
  it("passes through the CLI (../shared/bin/conformance.mjs)", async () => {
    const { spawnSync } = await import("node:child_process");
    const r = spawnSync(process.execPath, [sharedConformance], {
      cwd: repoRoot,
      encoding: "utf8",
      timeout: 240_000,
      env: { ...process.env, MLOPS_CLI: `${process.execPath} ${repoRoot}/compiler/bin/mlops.js` },
    });
    expect(r.stdout.trim().split("\n").pop()).toMatch(/^\d+ passed, 0 failed$/);
    expect(r.status, r.stdout).toBe(0);
  }, 300_000);
});
