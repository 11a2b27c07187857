import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { planHash, renderAirflow, renderDocker, renderKubernetes, sha256Hex } from "@mlops/compiler";
import { describe, expect, it } from "vitest";
import { fixture, fraudPlans } from "./support/fixtures.js";

const root = fileURLToPath(new URL("../../compiler/src/", import.meta.url));

describe("renderers", () => {
  it("use no Node API (they run in the browser too)", () => {
    const sources = [
      ...readdirSync(join(root, "render")).map((f) => join(root, "render", f)),
      ...readdirSync(join(root, "util")).map((f) => join(root, "util", f)),
    ];
    // templates.ts holds the text of a Node script for the image (the healthcheck), not code of the compiler.
    for (const path of sources.filter((p) => !p.endsWith("templates.ts"))) {
      const text = readFileSync(path, "utf8");
      expect(text, path).not.toMatch(/from "node:|require\(|\bprocess\.|\bBuffer\b/);
    }
    expect(readFileSync(join(root, "render", "templates.ts"), "utf8")).not.toMatch(/^import /m);
  });

  it("are deterministic and do not modify the plan", () => {
    const plans = fraudPlans();
    const before = structuredClone(plans);
    const first = [renderAirflow(plans.base), renderKubernetes(plans), renderDocker(plans.base)];
    expect(plans).toEqual(before);
    expect([
      renderAirflow(fixture("fraud.base.plan.json")),
      renderKubernetes(fraudPlans()),
      renderDocker(fixture("fraud.base.plan.json")),
    ]).toEqual(first);
  });

  it("return POSIX relative paths, each once", () => {
    const plans = fraudPlans();
    for (const files of [renderAirflow(plans.base), renderKubernetes(plans), renderDocker(plans.base)]) {
      const paths = files.map((f) => f.path);
      expect(new Set(paths).size).toBe(paths.length);
      for (const path of paths) expect(path).toMatch(/^(?!\/)(?!.*\.\.)(?!.*\\)[\w./-]+$/);
    }
  });

  it("cite in every header the plan hash of the emitter, which is the sha256 of the plan file they ship", () => {
    const plans = fraudPlans();
    const docker = renderDocker(plans.base);
    const planFile = docker.find((f) => f.path === "plan.json")!.content;
    expect(sha256Hex(planFile)).toBe(planHash(plans.base));
    for (const file of [...renderAirflow(plans.base), ...renderKubernetes({ base: plans.base, envs: {} }), ...docker]) {
      if (file.path === "plan.json" || file.path.endsWith("/plan.json")) continue;
      expect(file.content, file.path).toContain(`plan ${planHash(plans.base)} — do not edit`);
    }
  });
});
