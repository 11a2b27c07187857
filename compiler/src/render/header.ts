import type { Plan } from "../plan/types.js";
import { planHash } from "../plan/serialize.js";
import { commentText } from "./escape.js";

export { serializePlan as planText, planHash } from "../plan/serialize.js";

/** The one-line notice every generated file starts with (without a comment marker). */
export function headerLine(plan: Plan, hash: string = planHash(plan)): string {
  return `generated from ${commentText(plan.pipeline.name)}, plan ${hash} — do not edit`;
}

/** The notice as a `#` comment line, for Python, YAML, Dockerfile, .dockerignore and env files. */
export function hashComment(plan: Plan, hash?: string): string {
  return `# ${headerLine(plan, hash)}`;
}
