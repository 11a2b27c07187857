/**
 * `@mlops/compiler/cli-core`: what runtime commands need on every start — the CLI's shapes, its
 * usage error, atomic writes and the cached plan loader — without the parser, checker and plan
 * emitter behind `@mlops/compiler/cli`, which `loadPlan` imports only when it must compile.
 */
export type { Command, CliIO } from "./command.js";
export { UsageError } from "./command.js";
export { writeFileAtomic } from "./write-atomic.js";
export { loadPlan } from "./load-plan.js";
export type { BuiltPlan } from "./build-plan.js";
