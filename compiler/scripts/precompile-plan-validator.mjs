#!/usr/bin/env node
/**
 * Build step (after `tsc -b`): compiles the plan schema once into standalone validation code
 * (ajv's "standalone" mode) at dist/plan/plan-schema-validator.cjs, which the CLI loads instead
 * of compiling the schema on every command. Usage: precompile-plan-validator.mjs [OUT_FILE]
 */
import { createHash } from "node:crypto";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import standaloneCode from "ajv/dist/standalone/index.js";

const compiler = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = process.argv[2] ?? join(compiler, "dist/plan/plan-schema-validator.cjs");
const { PLAN_SCHEMA_OPTIONS } = await import(join(compiler, "dist/plan/schema-options.js"));
const { canonicalJson } = await import(join(compiler, "dist/util/canonical-json.js"));
const schema = JSON.parse(readFileSync(join(compiler, "src/plan/plan.schema.json"), "utf8"));

const ajv = new Ajv2020({ ...PLAN_SCHEMA_OPTIONS, code: { source: true } });
const code = standaloneCode.default(ajv, ajv.compile(schema));
const schemaHash = createHash("sha256").update(canonicalJson(schema)).digest("hex");
// The loader compares schemaHash with the schema it ships, so a stale file is never used.
const text = `// Generated from src/plan/plan.schema.json by scripts/precompile-plan-validator.mjs.\n${code}\nmodule.exports.schemaHash = ${JSON.stringify(schemaHash)};\n`;
writeFileSync(`${out}.tmp`, text);
renameSync(`${out}.tmp`, out);
