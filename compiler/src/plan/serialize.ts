import { canonicalJson } from "../util/canonical-json.js";
import { sha256Hex } from "../util/sha256.js";
import type { Plan } from "./types.js";

/** The canonical text of a plan: sorted keys, two-space indent, final newline (what `mlops build` writes). */
export function serializePlan(plan: Plan): string {
  return `${canonicalJson(plan, 2)}\n`;
}

/** sha256 of the canonical plan text: what runs, registered models and rendered artifacts cite. */
export function planHash(plan: Plan): string {
  return sha256Hex(serializePlan(plan));
}
