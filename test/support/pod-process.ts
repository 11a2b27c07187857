/**
 * Runs a rendered container as a pod would start it, without a cluster: a separate process in its
 * own fresh, empty working directory, with exactly the container's command, arguments and
 * environment as rendered — `secretKeyRef`s resolved from the test's Secrets (a missing required
 * key fails as the kubelet would), `fieldRef`s from the pod's fields, `$(VAR)` expanded by the
 * kubelet's rules — and its volume mounts mapped to host directories (a claim or ConfigMap to the
 * directory the test gives for it, an emptyDir to a fresh one). Nothing of the test process's
 * environment leaks in except PATH.
 */
import { type ChildProcessByStdio, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { repoRoot } from "./cli.js";

/** A container as Kubernetes describes it (Airflow's operator arguments are converted to this). */
export interface ContainerSpec {
  name: string;
  command: string[];
  args: string[];
  env: Array<{
    name: string;
    value?: string;
    valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean }; fieldRef?: { fieldPath: string } };
  }>;
  volumeMounts: Array<{ name: string; mountPath: string; subPath?: string }>;
}

export interface PodWorld {
  /** Secret name → key → value. */
  secrets: Record<string, Record<string, string>>;
  /** `metadata.labels['job-name']` and the like. */
  fields: Record<string, string>;
  /** Volume name → host directory, for claims and ConfigMaps; any other volume is a fresh emptyDir. */
  volumes: Record<string, string>;
  /** The image's working directory (the renderers' `/srv/mlops`), replaced by a fresh directory. */
  workdir: string;
  /** Argument rewrites the pod's network namespace makes unnecessary on a cluster (e.g. a free port). */
  rewriteArgs?: (args: string[]) => string[];
}

export interface ContainerRun {
  code: number;
  stdout: string;
  stderr: string;
  /** The container's fresh working directory (its volumes beside it: remove it with `podDir`). */
  root: string;
}

const CLI = join(repoRoot, "compiler/bin/mlops.js");

/** Everything a container run left on disk: its working directory and its emptyDir volumes. */
export function podDir(root: string): string {
  return dirname(root);
}

/** The kubelet's `$(VAR)` expansion: defined variables are replaced, `$$` is a literal `$`, anything else stays. */
export function expandKubelet(text: string, env: Record<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (match, name: string | undefined) => {
    if (match === "$$") return "$";
    return name !== undefined && env[name] !== undefined ? env[name]! : match;
  });
}

export function resolveEnv(container: ContainerSpec, world: PodWorld): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of container.env) {
    if (entry.value !== undefined) env[entry.name] = expandKubelet(entry.value, env);
    const ref = entry.valueFrom?.secretKeyRef;
    if (ref) {
      const value = world.secrets[ref.name]?.[ref.key];
      if (value !== undefined) env[entry.name] = value;
      else if (!ref.optional) throw new Error(`${container.name}: secret ${ref.name} has no key ${ref.key} (CreateContainerConfigError)`);
    }
    const field = entry.valueFrom?.fieldRef;
    if (field) {
      const value = world.fields[field.fieldPath];
      if (value === undefined) throw new Error(`${container.name}: no pod field ${field.fieldPath}`);
      env[entry.name] = value;
    }
  }
  return env;
}

/**
 * Mounts the container's volumes: one under the working directory becomes a symlink there (what the
 * process sees at that path is the volume, as in a pod); a path in an argument is mapped to the
 * volume's host directory. Returns the mapping of container paths to host paths, longest first.
 */
function pathMapper(container: ContainerSpec, world: PodWorld, root: string): (text: string) => string {
  const mounts = container.volumeMounts
    .map((m) => {
      // an emptyDir lives beside the working directory, removed with it (see `podDir`)
      const base = world.volumes[m.name] ?? join(dirname(root), "volumes", m.name);
      const host = m.subPath !== undefined ? join(base, m.subPath) : base;
      mkdirSync(host, { recursive: true });
      return { from: m.mountPath, to: host };
    })
    .concat([{ from: world.workdir, to: root }])
    .sort((a, b) => b.from.length - a.from.length);
  for (const { from, to } of [...mounts].reverse()) {
    if (!from.startsWith(`${world.workdir}/`)) continue;
    const at = join(root, from.slice(world.workdir.length + 1));
    mkdirSync(dirname(at), { recursive: true });
    symlinkSync(to, at);
  }
  return (text) => {
    for (const { from, to } of mounts) {
      if (text === from) return to;
      if (text.startsWith(`${from}/`)) return to + text.slice(from.length);
    }
    return text;
  };
}

/** Spawns the container's process in a fresh working directory. */
function launch(container: ContainerSpec, world: PodWorld): { child: ChildProcessByStdio<null, Readable, Readable>; root: string } {
  const root = join(mkdtempSync(join(tmpdir(), `pod-${container.name}-`)), "work");
  mkdirSync(root);
  const env = resolveEnv(container, world);
  const mapPath = pathMapper(container, world, root);
  const expanded = [...container.command, ...container.args].map((arg) => mapPath(expandKubelet(arg, env)));
  const [command, ...rest] = expanded;
  const args = world.rewriteArgs ? world.rewriteArgs(rest) : rest;
  if (command !== "mlops") throw new Error(`${container.name}: runs ${command}, not the mlops CLI of the runtime image`);
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: root,
    env: { ...env, PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: root, TMPDIR: mapPath("/tmp") },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return { child, root };
}

/** Runs one container to completion. */
export function runContainer(container: ContainerSpec, world: PodWorld): Promise<ContainerRun> {
  const { child, root } = launch(container, world);
  return new Promise((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr, root }));
  });
}

/** Starts a long-running container (a server); the caller stops it (SIGTERM, as the kubelet does). */
export function startContainer(container: ContainerSpec, world: PodWorld): { stop(): Promise<number>; output(): string; root: string } {
  const { child, root } = launch(container, world);
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString("utf8")));
  child.stderr.on("data", (c: Buffer) => (output += c.toString("utf8")));
  const exited = new Promise<number>((resolve) => child.on("close", (code) => resolve(code ?? -1)));
  return {
    root,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}
