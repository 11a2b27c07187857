import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { requiredInCi } from "../../support/required-in-ci.js";

export const PYTHON = "/usr/bin/python3";
/** Debian's python3 with python3-jinja2 (the stub renders templated fields as Airflow does). */
export const hasPython = requiredInCi(
  existsSync(PYTHON) && spawnSync(PYTHON, ["-c", "import jinja2"]).status === 0,
  "the Airflow stub checks: python3 with jinja2",
  "apt-get install -y python3-jinja2",
);

const here = dirname(fileURLToPath(import.meta.url));

/** The stub package tree: each module re-exports from airflow_stub.py. */
const STUB_MODULES: Record<string, string> = {
  "airflow/__init__.py": "",
  // Airflow 3.0's airflow.sdk has no `literal` (3.1 added it): a DAG that imports it fails here as it would there.
  "airflow/sdk/__init__.py": "from airflow_stub import DAG  # noqa: F401\n",
  "airflow/models/__init__.py": "",
  "airflow/models/dag.py": "from airflow_stub import DAG  # noqa: F401\n",
  "airflow/utils/__init__.py": "",
  "airflow/providers/__init__.py": "",
  "airflow/providers/cncf/__init__.py": "",
  "airflow/providers/cncf/kubernetes/__init__.py": "",
  "airflow/providers/cncf/kubernetes/operators/__init__.py": "",
  "airflow/providers/cncf/kubernetes/operators/pod.py": "from airflow_stub import KubernetesPodOperator  # noqa: F401\n",
  "airflow/providers/cncf/kubernetes/secret.py": "from airflow_stub import Secret  # noqa: F401\n",
  "kubernetes/__init__.py": "",
  "kubernetes/client/__init__.py": "",
  "kubernetes/client/models.py":
    "from airflow_stub import K8S_MODELS, _model\n\nglobals().update({name: _model(name, fields) for name, fields in K8S_MODELS.items()})\n",
};

let stubDir: string | undefined;

function stubRoot(): string {
  if (stubDir) return stubDir;
  stubDir = mkdtempSync(join(tmpdir(), "airflow-stub-"));
  writeFileSync(join(stubDir, "airflow_stub.py"), readFileSync(join(here, "airflow_stub.py"), "utf8"));
  writeFileSync(join(stubDir, "run_dags.py"), readFileSync(join(here, "run_dags.py"), "utf8"));
  for (const [path, content] of Object.entries(STUB_MODULES)) {
    mkdirSync(dirname(join(stubDir, path)), { recursive: true });
    writeFileSync(join(stubDir, path), content);
  }
  return stubDir;
}

export type Recorded = { kwargs: Record<string, unknown>; tasks: Record<string, Record<string, unknown>>; edges: Array<[string, string]> };

/** Runs DAG files (name → content) against the recording stub (as the DAG run `runId`); returns what each recorded, or its error. */
export function runDags(files: Record<string, string>, runId?: string): Record<string, Recorded[] | { error: string }> {
  const root = stubRoot();
  const work = mkdtempSync(join(tmpdir(), "dags-"));
  const paths: string[] = [];
  const names = new Map<string, string>();
  for (const [name, content] of Object.entries(files)) {
    const path = join(work, name.replace(/\//g, "_"));
    writeFileSync(path, content);
    paths.push(path);
    names.set(path, name);
  }
  const result = spawnSync(PYTHON, ["-s", join(root, "run_dags.py"), ...paths], {
    encoding: "utf8",
    cwd: root,
    env: { PYTHONPATH: root, PATH: "/usr/bin:/bin", ...(runId !== undefined ? { AIRFLOW_STUB_RUN_ID: runId } : {}) },
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`python failed (${result.status ?? result.error?.message}): ${result.stderr}`);
  const raw = JSON.parse(result.stdout) as Record<string, Recorded[] | { error: string }>;
  return Object.fromEntries(Object.entries(raw).map(([path, value]) => [names.get(path)!, value]));
}

/** Parses Python source with `ast.parse`; returns null when it parses, else the error. */
export function pythonParseError(source: string): string | null {
  const result = spawnSync(PYTHON, ["-I", "-c", "import ast,sys; ast.parse(sys.stdin.read())"], { input: source, encoding: "utf8" });
  return result.status === 0 ? null : result.stderr;
}

/** Evaluates Python string literals (one per line) and returns their values, to check escaping. */
export function evalPythonStrings(literals: string[]): string[] {
  const script = "import ast,json,sys\nprint(json.dumps([ast.literal_eval(line) for line in sys.stdin.read().split('\\n') if line]))";
  const result = spawnSync(PYTHON, ["-I", "-c", script], { input: literals.join("\n"), encoding: "utf8" });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout) as string[];
}

/** Loads YAML texts with PyYAML (a YAML 1.1 reader, like Kubernetes tooling); each entry is its documents or an error. */
export function pyYamlLoad(texts: string[]): Array<unknown[] | { error: string }> {
  const result = spawnSync(PYTHON, ["-s", join(here, "parse_yaml.py")], {
    input: JSON.stringify(texts),
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout) as Array<unknown[] | { error: string }>;
}
