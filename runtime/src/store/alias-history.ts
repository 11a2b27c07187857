/**
 * An alias's history is a stack: `promote` pushes the new holder, `rollback` pops back to the one
 * before. Both registries replay it the same way and say the same things when it cannot move.
 */
import { RegistryError } from "./model-registry.js";

/** The alias's holders, oldest first, replaying promotions (push) and rollbacks (pop). */
export function replayHolders(events: ReadonlyArray<{ action: string; version: number }>): number[] {
  const stack: number[] = [];
  for (const e of events) {
    if (e.action === "promote") stack.push(e.version);
    else stack.pop();
  }
  return stack;
}

/** Where `rollback` goes from the current holder, or the registry error saying why it cannot. */
export function rollbackTarget(
  model: string,
  alias: string,
  current: number | null,
  events: ReadonlyArray<{ action: string; version: number }>,
): { current: number; target: number } {
  if (current === null) throw new RegistryError("no-alias", `model ${model} has no alias ${alias} to roll back`);
  const stack = replayHolders(events);
  stack.pop();
  const target = stack[stack.length - 1];
  if (target === undefined)
    throw new RegistryError(
      "no-previous",
      `alias ${alias} of model ${model} has no previous version to roll back to (it holds version ${current})`,
    );
  return { current, target };
}

export function rollbackConflict(model: string, alias: string): RegistryError {
  return new RegistryError("conflict", `alias ${alias} of model ${model} moved while rolling back; run the rollback again`);
}

export const unknownModel = (model: string): RegistryError => new RegistryError("unknown-model", `no model ${model} in the registry`);
export const unknownVersion = (model: string, version: number): RegistryError =>
  new RegistryError("unknown-version", `model ${model} has no version ${version}`);
export const noAlias = (model: string, alias: string): RegistryError =>
  new RegistryError("no-alias", `model ${model} has no alias ${alias}`);
