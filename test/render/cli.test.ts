import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CliIO } from "../../compiler/src/cli/command.js";
import { main } from "../../compiler/src/cli/main.js";
import { fixture } from "./support/fixtures.js";

function io(cwd: string): CliIO & { out: string; err: string } {
  const sink = {
    out: "",
    err: "",
    isTTY: false,
    cwd,
    env: {},
    stdout: (text: string) => void (sink.out += text),
    stderr: (text: string) => void (sink.err += text),
  };
  return sink;
}

function workdir(plan = fixture("fraud.base.plan.json")): string {
  const dir = mkdtempSync(join(tmpdir(), "mlops-render-"));
  writeFileSync(join(dir, "plan.json"), JSON.stringify(plan));
  return dir;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

describe("mlops render", () => {
  it("renders all three targets from a plan.json and prints every file it wrote", async () => {
    const dir = workdir();
    const sink = io(dir);
    expect(await main(["render", "all", "plan.json", "-o", "out", "--no-packages"], sink)).toBe(0);
    const files = walk(join(dir, "out"));
    expect(files).toContain("airflow/dags/fraud_detection.py");
    expect(files).toContain("kubernetes/base/kustomization.yaml");
    expect(files).toContain("docker/Dockerfile");
    expect(files.some((f) => f.includes(".tmp-"))).toBe(false);
    expect(sink.out.trim().split("\n")).toHaveLength(files.length);
    for (const line of sink.out.trim().split("\n")) expect(line).toMatch(/^wrote \//);
  });

  it("renders one target into the output directory, passing options", async () => {
    const dir = workdir();
    const sink = io(dir);
    expect(
      await main(["render", "airflow", "plan.json", "-o", "dags-out", "--airflow-version", "2", "--runtime-image", "reg/mlops:2.0"], sink),
    ).toBe(0);
    const dag = readFileSync(join(dir, "dags-out/dags/fraud_detection.py"), "utf8");
    expect(dag).toContain("from airflow.models.dag import DAG");
    expect(dag).toContain('image="reg/mlops:2.0"');
  });

  it("reports usage errors with exit code 2", async () => {
    const dir = workdir();
    for (const args of [
      ["render"],
      ["render", "helm", "-o", "x"],
      ["render", "docker"],
      ["render", "docker", "src/main.mlops", "-o", "x"],
      ["render", "docker", "-o", "x", "--env", "prod"],
      ["render", "kubernetes", "plan.json", "-o", "x", "--egress-ports", "443;9000"],
    ]) {
      const sink = io(dir);
      expect(await main(args, sink), args.join(" ")).toBe(2);
      expect(sink.err).toMatch(/^mlops render: /);
      if (args.includes("--egress-ports")) expect(sink.err).toMatch(/--egress-ports must be a comma-separated list of ports/);
    }
  });

  it("reports a value the renderer refuses with exit code 1 and writes nothing", async () => {
    const plan = fixture("fraud.base.plan.json");
    (plan.deployments.fraud_api!.target as { image: string }).image = "fraud:latest";
    const dir = workdir(plan);
    const sink = io(dir);
    expect(await main(["render", "kubernetes", "plan.json", "-o", "out"], sink)).toBe(1);
    expect(sink.err).toMatch(/latest/);
    expect(readdirSync(dir)).toEqual(["plan.json"]);
  });

  it("renders a plan built for an env as that env's overlay", async () => {
    const dir = workdir(fixture("fraud.prod.plan.json"));
    const sink = io(dir);
    expect(await main(["render", "kubernetes", "plan.json", "--env", "prod", "-o", "k8s"], sink)).toBe(0);
    expect(walk(join(dir, "k8s"))).toContain("overlays/prod/kustomization.yaml");
  });
});
