/**
 * Values the plan holds as `secret(name, key)` references, resolved only where they are used (a
 * notifier's webhook when an alert is posted), from the environment variable `secretVariable`
 * names (`MLOPS_SECRET_<NAME>_<KEY>`), which is how Kubernetes `secretKeyRef`s and CI secrets
 * reach a process. The value is never printed: errors
 * name the variable, not what it holds.
 */
import type { EnvValue } from "@mlops/compiler";
import { secretVariable } from "@mlops/compiler/core";

export class SecretUnavailable extends Error {
  override readonly name = "SecretUnavailable";
}

export function resolveEnvValue(value: EnvValue, env: NodeJS.ProcessEnv = process.env): string {
  if (value.kind === "literal") return value.value;
  const variable = secretVariable(value.name, value.key);
  const resolved = env[variable];
  if (resolved === undefined || resolved === "")
    throw new SecretUnavailable(`secret("${value.name}", "${value.key}") is not set: export ${variable}`);
  return resolved;
}
