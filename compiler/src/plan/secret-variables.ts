/**
 * How a `secret(name, key)` of the plan reaches a process that needs its value: the environment
 * variable `MLOPS_SECRET_<NAME>_<KEY>` (upper case; every character other than A-Z and 0-9 as `_`).
 * The runtime reads it there; the renderers fill it from the orchestrator's secret store (a
 * Kubernetes `secretKeyRef`, an Airflow connection...), never with the value itself.
 */
export function secretVariable(name: string, key: string): string {
  const part = (s: string): string => s.toUpperCase().replace(/[^A-Z0-9]/g, "_");
  return `MLOPS_SECRET_${part(name)}_${part(key)}`;
}
