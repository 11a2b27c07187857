import { readFileSync } from "node:fs";
import type { Plan } from "../../../compiler/src/plan/types.js";

export function fixture(name: string): Plan {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8")) as Plan;
}

/** The object files of a Kubernetes render's base (`base/<namespace>/<kind>-<name>.yaml`). */
export function baseObjectFiles<T extends { path: string }>(files: T[]): T[] {
  return files.filter((f) => /^base\/[^/]+\/[^/]+\.yaml$/.test(f.path));
}

export function fraudPlans(): { base: Plan; envs: Record<string, Plan> } {
  return {
    base: fixture("fraud.base.plan.json"),
    envs: { prod: fixture("fraud.prod.plan.json"), staging: fixture("fraud.staging.plan.json") },
  };
}

/** What the kubelet does to a container arg or env value: `$$` → `$`, `$(VAR)` → its value (none are defined here). */
export function kubeletExpand(value: string): string {
  return value.replace(/\$\$|\$\([A-Za-z_][A-Za-z0-9_.-]*\)/g, (match) => (match === "$$" ? "$" : match));
}

/** What compose interpolation does to a value with no variables set: `$$` → `$`; a lone `$` is an error. */
export function composeExpand(value: string): string {
  if (/\$(?!\$)/.test(value.replace(/\$\$/g, ""))) throw new Error(`uninterpolated $ in ${JSON.stringify(value)}`);
  return value.replace(/\$\$/g, "$");
}
