import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { copyExample } from "../support/example-copy.js";

/**
 * What a cached no-op `mlops run` loads (the cold-start benchmark's case): a module-resolution
 * hook records every module the CLI imports, and none of those a command only needs when it
 * does the work may be among them.
 */
const project = copyExample("iris");
afterAll(() => project.remove());

function loadedModules(args: string[]): string[] {
  const log = join(project.outer, "loaded.txt");
  const hooks = join(project.outer, "hooks.mjs");
  const register = join(project.outer, "register.mjs");
  writeFileSync(log, "");
  writeFileSync(
    hooks,
    `import { appendFileSync } from "node:fs";\nexport async function resolve(specifier, context, next) {\n  const resolved = await next(specifier, context);\n  appendFileSync(${JSON.stringify(log)}, resolved.url + "\\n");\n  return resolved;\n}\n`,
  );
  writeFileSync(register, `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  const result = runCli(args, { cwd: project.dir, nodeOptions: ["--import", pathToFileURL(register).href] });
  expect(result.status, result.stderr).toBe(0);
  return readFileSync(log, "utf8").split("\n").filter(Boolean);
}

describe("a cached no-op `mlops run`", () => {
  it("loads no compiler, renderer, editor service, store client, data reader, model runtime or schema compiler", () => {
    expect(runCli(["run", "."], { cwd: project.dir }).status).toBe(0);
    const loaded = loadedModules(["run", ".", "--quiet"]);
    expect(loaded.some((url) => url.includes("/runtime/dist/executor/"))).toBe(true);
    const heavy = [
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
    for (const part of heavy)
      expect(
        loaded.filter((url) => url.includes(part)),
        part,
      ).toEqual([]);
  });
});
