/**
 * The values of `secret(NAME, KEY)` references at run time. A plan carries only the reference; the
 * value comes from the environment of the process — `MLOPS_SECRET_<NAME>_<KEY>` (upper case, every
 * other character `_`), as a Kubernetes `secretKeyRef` or Airflow connection sets it — or from the
 * file `<MLOPS_SECRETS_DIR>/<NAME>/<KEY>` (default `/var/run/secrets/mlops`), as a mounted Secret
 * volume provides it. Values are never printed: messages name only the reference and where it was looked for.
 */
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { secretVariable } from "@mlops/compiler/core";

export interface SecretRef {
  name: string;
  key: string;
}

export const SECRETS_DIR_VARIABLE = "MLOPS_SECRETS_DIR";
const DEFAULT_SECRETS_DIR = "/var/run/secrets/mlops";

export class SecretError extends Error {
  override readonly name = "SecretError";
}

export function resolveSecret(ref: SecretRef, env: Record<string, string | undefined>): string {
  const variable = secretVariable(ref.name, ref.key);
  const fromEnv = env[variable];
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  const dir = env[SECRETS_DIR_VARIABLE] || DEFAULT_SECRETS_DIR;
  const safe = /^[A-Za-z0-9._-]+$/;
  if (safe.test(ref.name) && safe.test(ref.key) && !ref.name.startsWith(".") && !ref.key.startsWith(".")) {
    const path = join(dir, ref.name, ref.key);
    try {
      if (statSync(path).isFile()) return readFileSync(path, "utf8").replace(/\r?\n$/, "");
    } catch {
      // not mounted: say where it was looked for
    }
  }
  throw new SecretError(
    `secret("${ref.name}", "${ref.key}") has no value here: set ${variable}, or mount it at ${join(dir, ref.name, ref.key)}`,
  );
}
