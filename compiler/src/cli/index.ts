/** What runtime commands (`@mlops/runtime/cli`) need from the compiler's CLI layer. */
export type { Command, CliIO } from "./command.js";
export { UsageError } from "./command.js";
export { buildPlanFromSources, planFromInput } from "./build-plan.js";
export type { BuiltPlan } from "./build-plan.js";
export { writeFileAtomic } from "./write-atomic.js";
export {
  describePlan,
  lastBuildComparison,
  readLastBuild,
  planCommand,
  type PlanComparison,
  type PlanStepStatus,
} from "./commands/plan.js";
