/**
 * The plan schema's validator for the CLI. `npm run build` precompiles it (ajv standalone code,
 * `scripts/precompile-plan-validator.mjs`) into the package's `dist/plan/`, which saves
 * compiling the schema on every command (~200 ms of a cached `mlops run`); from sources, when
 * the build step did not run, or when the file was made from another version of the schema
 * (it records the schema's hash), the schema is compiled here with the same options.
 */
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import type { ValidateFunction } from "ajv";
import { PLAN_SCHEMA_OPTIONS } from "../plan/schema-options.js";
import { canonicalJson } from "../util/canonical-json.js";

/** The precompiled validator and the schema, by package name (this code also runs bundled elsewhere). */
const PRECOMPILED_VALIDATOR = "@mlops/compiler/plan-schema-validator.cjs";
const PLAN_SCHEMA = "@mlops/compiler/plan.schema.json";

const require = createRequire(import.meta.url);
let validator: ValidateFunction | undefined;

export function planSchemaValidator(): ValidateFunction {
  validator ??= precompiled() ?? compileNow();
  return validator;
}

const schema = (): object => require(PLAN_SCHEMA) as object;

/** sha256 of the schema's canonical JSON: what the precompiled file records it was made from. */
export function planSchemaHash(): string {
  return createHash("sha256").update(canonicalJson(schema())).digest("hex");
}

function precompiled(): ValidateFunction | undefined {
  let module: ValidateFunction & { schemaHash?: string };
  try {
    module = require(PRECOMPILED_VALIDATOR) as typeof module;
  } catch (error) {
    if ((error as { code?: string }).code === "MODULE_NOT_FOUND") return undefined;
    throw error;
  }
  return module.schemaHash === planSchemaHash() ? module : undefined;
}

function compileNow(): ValidateFunction {
  const { Ajv2020 } = require("ajv/dist/2020.js") as typeof import("ajv/dist/2020.js");
  return new Ajv2020(PLAN_SCHEMA_OPTIONS).compile(schema());
}
