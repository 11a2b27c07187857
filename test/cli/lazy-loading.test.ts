import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { copyExample } from "../support/example-copy.js";

/**
 * What a cached no-op `mlops run` loads (the cold-start benchmark's case): a module-resolution
 * hook records every ES module the CLI imports and, at exit, every CommonJS module it required;
 * none of those a command only needs when it does the work may be among them.
 */
const project = copyExample("iris");
afterAll(() => project.remove());

function loadedModules(args: string[], env: Record<string, string> = {}): string[] {
  const log = join(project.outer, "loaded.txt");
  const hooks = join(project.outer, "hooks.mjs");
  const register = join(project.outer, "register.mjs");
  writeFileSync(log, "");
  writeFileSync(
    hooks,
    `import { appendFileSync } from "node:fs";\nexport async function resolve(specifier, context, next) {\n  const resolved = await next(specifier, context);\n  appendFileSync(${JSON.stringify(log)}, resolved.url + "\\n");\n  return resolved;\n}\n`,
  );
  writeFileSync(
    register,
    `import { appendFileSync } from "node:fs";\nimport { createRequire, register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\nconst required = createRequire(import.meta.url).cache;\nprocess.on("exit", () => appendFileSync(${JSON.stringify(log)}, Object.keys(required).map((path) => "file://" + path + "\\n").join("")));\n`,
  );
  const result = runCli(args, { cwd: project.dir, env, nodeOptions: ["--import", pathToFileURL(register).href] });
  expect(result.status, result.stderr).toBe(0);
  return readFileSync(log, "utf8").split("\n").filter(Boolean);
}

const HEAVY = [
  "/compiler/dist/render/",
  "/compiler/dist/services/",
  "/compiler/dist/index.js",
  "/compiler/dist/syntax/",
  "/compiler/dist/checker/declarations.js",
  "/compiler/dist/program/",
  "/compiler/dist/plan/plan-schema-validator.cjs",
  "/node_modules/protobufjs/",
  "/node_modules/handlebars/",
  "/node_modules/yaml/",
  "/node_modules/ajv/",
  "/node_modules/pg/",
  "/node_modules/@aws-sdk/",
  "/node_modules/csv-parse/",
  "/node_modules/hyparquet/",
  "/node_modules/onnxruntime-node/",
  "/node_modules/fastify/",
];

function expectNothingHeavy(loaded: string[]): void {
  for (const part of HEAVY)
    expect(
      loaded.filter((url) => url.includes(part)),
      part,
    ).toEqual([]);
}

describe("a cached no-op `mlops run`", () => {
  it("loads no compiler, renderer, editor service, store client, data reader, model runtime or schema compiler", () => {
    expect(runCli(["run", "."], { cwd: project.dir }).status).toBe(0);
    const loaded = loadedModules(["run", ".", "--quiet"], { MLOPS_BUNDLE: "off" });
    expect(loaded.some((url) => url.includes("/runtime/dist/executor/"))).toBe(true);
    // CommonJS modules are recorded too (better-sqlite3's are required, not imported)
    expect(loaded.some((url) => url.includes("/node_modules/better-sqlite3/lib/database.js"))).toBe(true);
    expectNothingHeavy(loaded);
  });

  it("runs from the bundled CLI after a build, loading a few dozen files of it and nothing heavy", () => {
    const loaded = loadedModules(["run", ".", "--quiet"]);
    const ours = loaded.filter((url) => /\/(compiler|runtime)\/dist\//.test(url));
    expect(
      ours.every((url) => url.includes("/runtime/dist/bundle/")),
      ours.join("\n"),
    ).toBe(true);
    expect(ours.some((url) => url.endsWith("/runtime/dist/bundle/mlops.js"))).toBe(true);
    expect(new Set(ours).size).toBeLessThan(60);
    expectNothingHeavy(loaded);
  });
});
