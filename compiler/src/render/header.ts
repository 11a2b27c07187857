import type { Plan } from "../plan/types.js";
import { canonicalJson } from "../util/canonical-json.js";
import { sha256Hex } from "../util/sha256.js";
import { commentText } from "./escape.js";

/** The plan file's text (canonical JSON, two-space indent, final newline), as `mlops build` writes it and the ConfigMaps hold it. */
export function planText(plan: Plan): string {
  return `${canonicalJson(plan, 2)}\n`;
}

/** sha256 (hex) of the plan file's text — the same hash as the emitter's `planHash` — cited in every header. */
export function planHash(plan: Plan): string {
  return sha256Hex(planText(plan));
}

/** The one-line notice every generated file starts with (without a comment marker). */
export function headerLine(plan: Plan, hash: string = planHash(plan)): string {
  return `generated from ${commentText(plan.pipeline.name)}, plan ${hash} — do not edit`;
}

/** The notice as a `#` comment line, for Python, YAML, Dockerfile, .dockerignore and env files. */
export function hashComment(plan: Plan, hash?: string): string {
  return `# ${headerLine(plan, hash)}`;
}
