import { mlops } from "./projects.js";

export interface StepJson {
  stepId: string;
  kind: string;
  status: string;
  metrics: Record<string, number>;
  summary?: string;
  error?: string;
  reports: string[];
  outputs: Record<string, string>;
}

export interface RunJson {
  runId: string;
  status: string;
  steps: StepJson[];
  interrupted: string[];
}

/** `mlops ARGS --json`, parsed; throws with the output when it printed no JSON. */
export async function runJson(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; result: RunJson; stderr: string }> {
  const { code, stdout, stderr } = await mlops([...args, "--json"], undefined, env);
  if (!stdout.trim().startsWith("{")) throw new Error(`mlops ${args.join(" ")} printed no JSON (exit ${code}):\n${stdout}\n${stderr}`);
  return { code, result: JSON.parse(stdout) as RunJson, stderr };
}

export function statuses(result: RunJson): Record<string, string> {
  return Object.fromEntries(result.steps.map((s) => [s.stepId, s.status]));
}
