import { ErrorCodes, ResponseError } from "vscode-languageserver";
import {
  emitPlan,
  posixPath,
  hasErrors,
  renderAirflow,
  renderDocker,
  renderKubernetes,
  RenderError,
  type Plan,
  type Program,
  type RenderedFile,
} from "@mlops/compiler";

export interface PlanParams {
  uri: string;
  env?: string | null;
}
export interface RenderParams extends PlanParams {
  target: "airflow" | "kubernetes" | "docker";
}

const MAX_LISTED = 5;

function fail(message: string): ResponseError<void> {
  return new ResponseError(ErrorCodes.InvalidRequest, message);
}

/**
 * The plan of a compilation for an env, as `mlops build FILE --env NAME`
 * writes it (paths relative to the root file's folder); a clear error when the
 * program has errors or the env does not exist.
 */
export function compilePlan(program: Program, env: string | null): Plan {
  const errors = program.diagnostics().filter((d) => d.severity === "error");
  if (hasErrors(errors)) {
    const listed = errors
      .slice(0, MAX_LISTED)
      .map((d) => `${posixPath.basename(d.file)}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.message}`);
    const more = errors.length > MAX_LISTED ? `\n… and ${errors.length - MAX_LISTED} more` : "";
    throw fail(`the program has ${errors.length} error${errors.length === 1 ? "" : "s"}, so it has no plan:\n${listed.join("\n")}${more}`);
  }
  if (env !== null && !program.model().envs[env]) {
    throw fail(`there is no env \`${env}\` (declared: ${Object.keys(program.model().envs).sort().join(", ") || "none"})`);
  }
  const root = program.rootFiles[0] ?? "/";
  return emitPlan(program, { projectRoot: posixPath.dirname(root), env });
}

/** `mlops/plan`: `{ plan }`. */
export function planRequest(program: Program, params: PlanParams): { plan: Plan } {
  return { plan: compilePlan(program, params.env ?? null) };
}

/** `mlops/render`: `{ files }` for airflow, kubernetes (base + one overlay per env) or docker. */
export function renderRequest(program: Program, params: RenderParams): { files: RenderedFile[] } {
  const env = params.env ?? null;
  try {
    if (params.target === "airflow") return { files: renderAirflow(compilePlan(program, env)) };
    if (params.target === "docker") return { files: renderDocker(compilePlan(program, env)) };
    if (params.target === "kubernetes") {
      const base = compilePlan(program, null);
      const envs: Record<string, Plan> = {};
      for (const name of Object.keys(program.model().envs).sort())
        if (env === null || name === env) envs[name] = compilePlan(program, name);
      return { files: renderKubernetes({ base, envs }) };
    }
  } catch (error) {
    if (error instanceof RenderError) throw fail(`cannot render ${params.target}: ${error.message}`);
    throw error;
  }
  throw fail(`unknown render target \`${String(params.target)}\` (airflow, kubernetes or docker)`);
}
