import { describe, expect, it } from "vitest";
import { createProgram } from "../../src/program/program.js";
import { NodeHost } from "../../src/node/node-host.js";
import { MemoryHost } from "../../src/host/memory-host.js";

const node = new NodeHost();

describe("standard library", () => {
  it("is found next to the compiler and lists its modules", () => {
    expect(node.stdlibModules()).toEqual(expect.arrayContaining(["gates", "monitors", "targets"]));
    expect(node.stdlibModulePath("gates")).toMatch(/stdlib\/std\/gates\.mlops$/);
    expect(node.stdlibModulePath("../etc")).toBeUndefined();
  });

  it.each(["gates", "monitors", "targets"])("std.%s checks without a diagnostic", (module) => {
    const text = node.readFile(node.stdlibModulePath(module)!)!;
    const host = new MemoryHost({ "/u/main.mlops": `import std.${module}\npipeline p { owner = "x" }\n` }, { [module]: text });
    expect(createProgram({ host, rootFiles: ["/u/main.mlops"] }).diagnostics()).toEqual([]);
  });

  it("provides the documented templates", () => {
    const host = new MemoryHost(
      { "/u/main.mlops": 'import std.gates\nimport std.monitors\nimport std.targets\npipeline p { owner = "x" }\n' },
      Object.fromEntries(["gates", "monitors", "targets"].map((m) => [m, node.readFile(node.stdlibModulePath(m)!)!])),
    );
    const program = createProgram({ host, rootFiles: ["/u/main.mlops"] });
    const templates = program
      .symbols()
      .all.filter((s) => s.kind === "block" && s.isTemplate)
      .map((s) => `${s.kind === "block" ? s.declKind : ""} ${s.name}`);
    expect(templates.sort()).toEqual([
      "deploy local_service",
      "deploy medium_service",
      "deploy small_service",
      "gate binary_baseline",
      "gate fast",
      "gate multiclass_baseline",
      "gate regression_baseline",
      "monitor default_drift",
      "monitor strict_drift",
    ]);
  });
});
