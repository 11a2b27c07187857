/**
 * The rendered Dockerfile's build, replayed without a Docker engine: each instruction of both stages
 * runs against a scratch directory standing in for the image's filesystem (`/opt/mlops` →
 * `SCRATCH/opt/mlops`): the same COPYs from the same context, the same RUN commands (`npm ci` from
 * the packed tarballs and the lock), the same ENV. Then the CLI runs from the result, as the image's
 * entry point would: `mlops --version`, a step, the pipeline, then the image's own CMD (`mlops serve`,
 * on a free port of 127.0.0.1 instead of 0.0.0.0:8080) answering `/v2/health/ready`, which the
 * image's HEALTHCHECK command checks too. The base image's `apt-get` line is the one step not
 * replayed (this machine already has python3, make and g++).
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { DockerfileParser } from "dockerfile-ast";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot, runCli } from "../support/cli.js";
import { freePort } from "../support/free-port.js";

const scratch = mkdtempSync(join(tmpdir(), "image-build-"));
const context = join(scratch, "context");
const root = join(scratch, "image");
afterAll(() => {
  // The scratch image is large (node_modules); leave nothing behind.
  spawnSync("rm", ["-rf", scratch]);
});

/** An absolute path of the image, inside the scratch root. */
function inImage(path: string): string {
  return join(root, path);
}

/** A RUN command or ENV value with the image's absolute paths moved into the scratch root. */
function rebase(text: string): string {
  return text.replace(/(^|[\s=:])(\/(?:opt|srv)\/mlops)/g, (_, before: string, path: string) => `${before}${inImage(path)}`);
}

interface Stage {
  workdir: string;
  env: Record<string, string>;
  /** The last CMD and HEALTHCHECK CMD, exec form. */
  cmd: string[];
  healthcheck: string[];
}

function replay(dockerfile: string): Stage {
  const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? scratch };
  let stage: Stage = { workdir: "/", env: { ...env }, cmd: [], healthcheck: [] };
  for (const instruction of DockerfileParser.parse(dockerfile).getInstructions()) {
    const keyword = instruction.getKeyword();
    const args = instruction.getArgumentsContent() ?? "";
    if (keyword === "FROM") stage = { workdir: "/", env: { ...env }, cmd: [], healthcheck: [] };
    else if (keyword === "CMD") stage.cmd = JSON.parse(args) as string[];
    else if (keyword === "HEALTHCHECK") stage.healthcheck = JSON.parse(args.slice(args.indexOf("CMD ") + 4)) as string[];
    else if (keyword === "WORKDIR") {
      stage.workdir = args;
      mkdirSync(inImage(args), { recursive: true });
    } else if (keyword === "ENV") {
      const [name, ...value] = args.split("=");
      stage.env[name!] = rebase(value.join("=").replace(/\$PATH/, stage.env.PATH ?? ""));
    } else if (keyword === "COPY") {
      const words = args.split(/\s+/);
      const fromStage = /^COPY\s+--from=/.test(instruction.getTextContent());
      const sources = words.slice(0, -1);
      const target = words.at(-1)!;
      const dest = target.startsWith("/") ? inImage(target) : join(inImage(stage.workdir), target);
      for (const source of sources) {
        const from = fromStage ? inImage(source) : join(context, source);
        if (fromStage && from === dest) continue; // the scratch root is shared by both stages
        const to = target.endsWith("/") && !source.endsWith("/") ? join(dest, source.split("/").pop()!) : dest;
        mkdirSync(dirname(to), { recursive: true });
        cpSync(from, to, { recursive: true });
      }
    } else if (keyword === "RUN") {
      if (/^apt-get /.test(args)) continue;
      const command = rebase(args.replace(/\\\n/g, " ")).replace(/\bchown \S+ /, "true ");
      const result = spawnSync("sh", ["-c", command], { cwd: inImage(stage.workdir), env: stage.env, encoding: "utf8" });
      if (result.status !== 0) throw new Error(`RUN ${args}\n${result.stdout}\n${result.stderr}`);
    }
  }
  return stage;
}

describe("the rendered Dockerfile, built step by step without Docker", () => {
  it("builds from its own context and runs the CLI, a step, the pipeline and the image's server from the result", {
    timeout: 1_500_000,
  }, async () => {
    const rendered = runCli(["render", "docker", "examples/fraud", "-o", context], { cwd: repoRoot });
    expect(rendered.stderr).toBe("");
    expect(readdirSync(join(context, "packages")).sort()).toEqual(["mlops-compiler-0.1.0.tgz", "mlops-runtime-0.1.0.tgz"]);
    const lock = JSON.parse(readFileSync(join(context, "package-lock.json"), "utf8")) as { packages: Record<string, object> };
    expect(lock.packages["node_modules/@mlops/runtime"]).toMatchObject({ resolved: "file:packages/mlops-runtime-0.1.0.tgz" });
    expect(Object.keys(lock.packages).some((p) => p.includes("vitest"))).toBe(false); // runtime dependencies only

    const stage = replay(readFileSync(join(context, "Dockerfile"), "utf8"));
    const project = inImage("/srv/mlops");
    expect(readdirSync(project).sort()).toEqual([".mlops", "healthcheck.cjs", "plan.json"]); // no source data inside
    const native = (path: string) => existsSync(join(inImage("/opt/mlops/node_modules"), path));
    expect(native("better-sqlite3/build/Release/better_sqlite3.node")).toBe(true);
    expect(native("onnxruntime-node/bin/napi-v6/linux/x64")).toBe(true);
    expect(native("onnxruntime-node/bin/napi-v6/darwin")).toBe(false);

    const mlops = (args: string[]) => spawnSync("mlops", args, { cwd: project, env: stage.env, encoding: "utf8" });
    const version = mlops(["--version"]);
    expect(version.stderr).toBe("");
    expect(version.stdout.trim()).toBe("0.1.0");
    // The data comes from where the source lives: a volume mounted at the project root.
    cpSync(join(repoRoot, "examples/fraud/data"), join(project, "data"), { recursive: true });
    const plan = join(project, "plan.json");
    const step = mlops(["run-step", "--plan", plan, "--root", project, "--step", "ingest.transactions"]);
    expect(step.stderr).toBe("");
    expect(step.status).toBe(0);
    const run = mlops(["run", plan, "--root", project, "--quiet"]);
    expect(run.status, run.stdout + run.stderr).toBe(0);

    // The image's CMD serves the registered model; its HEALTHCHECK says so.
    const [command, ...args] = stage.cmd.map(rebase);
    expect(command).toBe("mlops");
    const port = String(await freePort());
    const served = args.map((arg, i) => (args[i - 1] === "--host" ? "127.0.0.1" : args[i - 1] === "--port" ? port : arg));
    const server = spawn("mlops", served, { cwd: project, env: stage.env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    server.stdout.on("data", (c: Buffer) => (output += c.toString("utf8")));
    server.stderr.on("data", (c: Buffer) => (output += c.toString("utf8")));
    const exited = new Promise<number | null>((resolve) => server.on("close", resolve));
    try {
      let status = 0;
      for (let attempt = 0; attempt < 240 && status !== 200 && server.exitCode === null; attempt++) {
        status = await fetch(`http://127.0.0.1:${port}/v2/health/ready`).then(
          (r) => r.status,
          () => 0,
        );
        if (status !== 200) await new Promise((r) => setTimeout(r, 500));
      }
      expect(status, output).toBe(200);
      const [node, ...check] = stage.healthcheck.map(rebase);
      const health = spawnSync(node!, check, { env: { ...stage.env, MLOPS_HEALTH_PORT: port }, encoding: "utf8" });
      expect(health.status, health.stderr).toBe(0);
    } finally {
      server.kill("SIGTERM");
      expect(await exited).toBe(0);
    }
  });
});
