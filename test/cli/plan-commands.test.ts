import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validatePlan } from "@mlops/compiler";
import { repoRoot, runCli } from "../support/cli.js";

function fraudCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), "mlops-plan-"));
  cpSync(join(repoRoot, "examples/fraud"), dir, {
    recursive: true,
    filter: (src) => (!src.includes(".mlops/") && !src.endsWith(".mlops")) || src.endsWith("fraud.mlops"),
  });
  return dir;
}

describe("mlops build", () => {
  it("writes a schema-valid plan to -o and nothing else, or to stdout (remembered for `mlops plan`)", () => {
    const dir = fraudCopy();
    const out = join(mkdtempSync(join(tmpdir(), "mlops-out-")), "plan.json");
    const toFile = runCli(["build", join(dir, "fraud.mlops"), "--env", "prod", "-o", out]);
    expect(toFile.status).toBe(0);
    expect(toFile.stderr).toContain("wrote");
    expect(JSON.parse(readFileSync(out, "utf8")).env).toBe("prod");
    // a build with -o does not write into the source tree
    expect(existsSync(join(dir, ".mlops"))).toBe(false);
    const toStdout = runCli(["build", dir]);
    expect(toStdout.status).toBe(0);
    expect(validatePlan(JSON.parse(toStdout.stdout))).toEqual([]);
    expect(existsSync(join(dir, ".mlops", "last-build.json"))).toBe(true);
  });

  it("exits 1 with diagnostics for a program with errors and 2 for an unknown env", () => {
    const dir = fraudCopy();
    writeFileSync(join(dir, "fraud.mlops"), readFileSync(join(dir, "fraud.mlops"), "utf8").replace("log1p(amount)", "log1p(amont)"));
    const broken = runCli(["build", dir]);
    expect(broken.status).toBe(1);
    expect(broken.stdout).toBe("");
    expect(broken.stderr).toContain("error[unknown-reference]");
    const env = runCli(["build", join(repoRoot, "examples/fraud"), "--env", "qa"]);
    expect(env.status).toBe(2);
    expect(env.stderr).toContain("no env 'qa'");
  });
});

describe("mlops plan", () => {
  it("lists the DAG and what would re-run since the last build", () => {
    const dir = fraudCopy();
    const first = runCli(["plan", dir]);
    expect(first.status).toBe(0);
    expect(first.stdout).toContain("no earlier build of this project");
    expect(first.stdout).toMatch(/\+ new\s+train\.fraud_clf\s+train `fraud_clf` with logistic_regression/);
    expect(runCli(["build", dir]).status).toBe(0);
    expect(existsSync(join(dir, ".mlops", "last-build.json"))).toBe(true);
    writeFileSync(join(dir, "fraud.mlops"), readFileSync(join(dir, "fraud.mlops"), "utf8").replace("epochs = 200", "epochs = 250"));
    const second = runCli(["plan", dir]);
    expect(second.stdout).toMatch(/unchanged\s+split\.fraud_clf/);
    expect(second.stdout).toMatch(/~ re-run\s+train\.fraud_clf/);
    expect(second.stdout).toMatch(/~ re-run\s+evaluate\.fraud_clf/);
  });
});

describe("mlops diff", () => {
  it("compares two envs of one program", () => {
    const r = runCli(["diff", join(repoRoot, "examples/fraud"), "--env", "staging", "--env", "prod"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("replicas: 1 → 6");
    expect(r.stdout).toContain("tightened gate release, auc >= params.min_auc: auc >= 85% → auc >= 90%");
  });

  it("flags a loosened gate, speaks JSON, and honours --exit-code", () => {
    const dir = fraudCopy();
    const before = join(dir, "before.json");
    expect(runCli(["build", dir, "-o", before]).status).toBe(0);
    writeFileSync(
      join(dir, "fraud.mlops"),
      readFileSync(join(dir, "fraud.mlops"), "utf8").replace("require recall >= 70%", "require recall >= 50%"),
    );
    const text = runCli(["diff", before, dir]);
    expect(text.stdout).toContain("LOOSENED  gate release, recall >= 50%: recall >= 70% → recall >= 50%");
    expect(text.status).toBe(0);
    const json = runCli(["diff", before, dir, "--format", "json", "--exit-code"]);
    expect(json.status).toBe(1);
    expect(JSON.parse(json.stdout).gates).toEqual([
      { gate: "release", rule: "recall >= 50%", effect: "loosened", before: "recall >= 70%", after: "recall >= 50%" },
    ]);
    const same = runCli(["diff", before, before, "--exit-code"]);
    expect(same.stdout).toBe("no semantic changes\n");
    expect(same.status).toBe(0);
  });

  it("shows how steps run changing, one line per change with the steps it applies to", () => {
    const dir = fraudCopy();
    const before = join(dir, "before.json");
    expect(runCli(["build", dir, "-o", before]).status).toBe(0);
    writeFileSync(
      join(dir, "fraud.mlops"),
      readFileSync(join(dir, "fraud.mlops"), "utf8").replace(
        'tags        = ["finance", "pci"]',
        'tags        = ["finance", "pci"]\n  queue = { priority = 5 }',
      ),
    );
    const text = runCli(["diff", before, dir, "--exit-code"]);
    expect(text.status).toBe(1);
    expect(text.stdout).toMatch(
      /^execution\n {2}priorityWeight: \(none\) → 5 \(ingest\.transactions, validate\.transactions, split\.fraud_clf and \d+ more steps\)$/m,
    );
  });
});

describe("mlops render from sources", () => {
  it("compiles every env of a program for the Kubernetes overlays", () => {
    const out = mkdtempSync(join(tmpdir(), "mlops-render-"));
    const r = runCli(["render", "kubernetes", "examples/fraud", "-o", out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`wrote ${join(out, "overlays/prod/kustomization.yaml")}`);
    expect(r.stdout).toContain(`wrote ${join(out, "overlays/staging/kustomization.yaml")}`);
    expect(readFileSync(join(out, "base/risk/deployment-fraud-api.yaml"), "utf8")).toContain(
      "image: registry.example.com/fraud-runtime:1.0",
    );
  });

  it("refuses a program with errors and writes nothing", () => {
    const dir = fraudCopy();
    writeFileSync(
      join(dir, "fraud.mlops"),
      readFileSync(join(dir, "fraud.mlops"), "utf8").replace("memory    = 512Mi", "memory    = 512m"),
    );
    const out = join(dir, "rendered");
    const r = runCli(["render", "all", dir, "-o", out]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("error[unit-mismatch]");
    expect(existsSync(out)).toBe(false);
  });
});
