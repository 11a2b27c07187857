// The shapes of the custom requests the extension sends to the MLOps language server, beyond LSP
// (no imports: the tests check the bundled server against them outside VS Code).

/** Which env's param overrides to resolve; null means the params' defaults. */
export type EnvName = string | null;

export interface PlanParams {
  /** The document to compile, as the server knows it (unsaved edits included). */
  uri: string;
  env: EnvName;
}

/** On compile errors the server answers with a JSON-RPC error whose message says why. */
export interface PlanResult {
  /** The portable plan, as `mlops build` writes it. */
  plan: unknown;
}

export const renderTargets = ["airflow", "kubernetes", "docker"] as const;
export type RenderTarget = (typeof renderTargets)[number];

export interface RenderParams {
  uri: string;
  env: EnvName;
  target: RenderTarget;
}

export interface RenderedFile {
  /** Relative, "/"-separated path inside the output folder. */
  path: string;
  content: string;
}

export interface RenderResult {
  files: RenderedFile[];
}

/** Settings the server receives as `initializationOptions` and as `settings.mlops` in `workspace/didChangeConfiguration`. */
export interface ServerSettings {
  env: EnvName;
}
