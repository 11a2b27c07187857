/** The exact `mlops serve` command that starts each `local` deployment a run just deployed. */
import type { Plan } from "@mlops/compiler";
import type { CliIO } from "@mlops/compiler/cli-core";
import type { RunResult } from "../executor/reporter.js";
import { redactUrl } from "../store/store-config.js";
import { isServed } from "./deployment-choice.js";

export function serveHints(
  plan: Plan,
  result: RunResult,
  input: string | undefined,
  options: { env?: string | undefined; root?: string | undefined; "artifact-store"?: string | undefined; database?: string | undefined },
  io: Pick<CliIO, "env">,
): string {
  const deployed = result.steps.filter((s) => s.kind === "deploy" && (s.status === "succeeded" || s.status === "cached"));
  const lines: string[] = [];
  const served = Object.values(plan.deployments).filter(isServed);
  for (const step of deployed) {
    const deployment = plan.deployments[step.stepId.slice("deploy.".length)];
    if (deployment?.target.kind !== "local") continue;
    const args = [io.env.npm_command === "exec" ? "npx mlops" : "mlops", "serve"];
    if (input !== undefined && input !== ".") args.push(shellQuote(input));
    if (options.root !== undefined) args.push("--root", shellQuote(options.root));
    if (options.env !== undefined) args.push("--env", shellQuote(options.env));
    if (options["artifact-store"] !== undefined) args.push("--artifact-store", shellQuote(options["artifact-store"]));
    // a password in the URL is never printed (pass it again, or through MLOPS_DATABASE_URL)
    if (options.database !== undefined) args.push("--database", shellQuote(withoutPassword(options.database)));
    if (served.length > 1) args.push("--deployment", deployment.name);
    lines.push(`serve ${deployment.name} (local, port ${deployment.endpoint.port}): ${args.join(" ")}`);
    if (deployment.rollout.kind === "canary") lines.push(`serve its canary on another port: ${args.join(" ")} --alias canary --port N`);
  }
  return lines.map((l) => `${l}\n`).join("");
}

/**
 * A word the shell reads back as `text`: as is when plainly safe, single-quoted otherwise, and
 * `$'...'` with `\xHH` escapes when it holds control characters (never printed raw).
 */
export function shellQuote(text: string): string {
  if (/^[A-Za-z0-9_./:=@%+-]+$/.test(text)) return text;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is escaped
  if (/[\u0000-\u001f\u007f-\u009f]/.test(text))
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is escaped
    return `$'${text.replace(/[\\']/g, (c) => `\\${c}`).replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`)}'`;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function withoutPassword(url: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\/[^/?#@]*:[^/?#@]*@/i.test(url) ? redactUrl(url) : url;
}
