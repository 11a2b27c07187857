import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DockerfileParser } from "dockerfile-ast";
import { renderDocker } from "@mlops/compiler";
import { afterAll, describe, expect, it } from "vitest";
import { composeExpand, fixture } from "./support/fixtures.js";
import { dockerfileProblems, execFormArgs } from "./support/docker-rules.js";
import { parseYaml11 } from "./support/k8s-validate.js";

const plan = fixture("fraud.base.plan.json");
const files = renderDocker(plan);
const file = (path: string) => files.find((f) => f.path === path)!.content;

function runHealthcheck(port: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "healthcheck-"));
  writeFileSync(join(dir, "healthcheck.cjs"), file("healthcheck.cjs"));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(dir, "healthcheck.cjs")], { env: { MLOPS_HEALTH_PORT: String(port) } });
    child.on("exit", (code) => resolve(code ?? -1));
  });
}

describe("Docker files", () => {
  const servers: Server[] = [];
  afterAll(() => servers.forEach((s) => s.close()));

  it("writes the Dockerfile, .dockerignore, healthcheck, compose file, plan and secret templates", () => {
    expect(files.map((f) => f.path)).toEqual([
      ".dockerignore",
      "Dockerfile",
      "README.md",
      "compose.yaml",
      "healthcheck.cjs",
      "package.json",
      "plan.json",
      "secrets/fraud-docker.env.example",
    ]);
    expect(JSON.parse(file("plan.json"))).toEqual(plan);
    // The toolchain comes from the tarballs `mlops render docker` packs next to it, nothing else.
    expect(JSON.parse(file("package.json")).dependencies).toEqual({
      "@mlops/compiler": "file:packages/mlops-compiler-0.1.0.tgz",
      "@mlops/runtime": "file:packages/mlops-runtime-0.1.0.tgz",
    });
  });

  it("passes dockerfile-utils and the hadolint-style rules", () => {
    expect(dockerfileProblems(file("Dockerfile"))).toEqual([]);
  });

  it("the rules catch a bad Dockerfile", () => {
    const bad = "FROM node:latest\nWORKDIR app\nADD . .\nRUN cd x && npm install\nUSER root\nCMD mlops serve\n";
    const problems = dockerfileProblems(bad).join("\n");
    for (const rule of ["multi-stage", "DL3007", "DL3000", "DL3020", "DL3003", "DL3002", "DL3025", "HEALTHCHECK missing", "npm ci"])
      expect(problems).toContain(rule);
  });

  it("serves the first compose deployment by default through an exec-form CMD, on a glibc base", () => {
    const dockerfile = DockerfileParser.parse(file("Dockerfile"));
    expect(execFormArgs(dockerfile.getCMDs()[0]!)).toEqual([
      "mlops",
      "serve",
      "--plan",
      "/srv/mlops/plan.json",
      "--deployment",
      "fraud_docker",
      "--host",
      "0.0.0.0",
      "--port",
      "8080",
    ]);
    expect(dockerfile.getFROMs().map((f) => `${f.getImageName()}:${f.getImageTag()}`)).toEqual([
      "node:22-bookworm-slim",
      "node:22-bookworm-slim",
    ]);
    expect(file("Dockerfile").split("\n")[1]).toMatch(/^# generated from "fraud_detection", plan [0-9a-f]{64} — do not edit$/);
  });

  it("builds from its own context: the packages and lock, the plan; no project data; a pinned base", () => {
    const dockerfile = DockerfileParser.parse(file("Dockerfile"));
    const copies = dockerfile
      .getInstructions()
      .filter((i) => i.getKeyword() === "COPY")
      .map((i) => i.getTextContent());
    expect(copies).toEqual([
      "COPY package.json package-lock.json ./",
      "COPY packages/ ./packages/",
      "COPY --from=build /opt/mlops /opt/mlops",
      "COPY plan.json healthcheck.cjs ./",
    ]);
    const pinned = renderDocker(plan, { baseImage: `node:22-bookworm-slim@sha256:${"a".repeat(64)}` });
    const froms = DockerfileParser.parse(pinned.find((f) => f.path === "Dockerfile")!.content).getFROMs();
    expect(froms.map((f) => f.getImageDigest())).toEqual([`sha256:${"a".repeat(64)}`, `sha256:${"a".repeat(64)}`]);
    expect(() => renderDocker(plan, { baseImage: "node:latest" })).toThrow(/latest/);
  });

  it("ignores build-context files that must not reach the image", () => {
    const ignored = file(".dockerignore").split("\n");
    for (const entry of [".git", "node_modules", "secrets", ".env"]) expect(ignored).toContain(entry);
  });

  it("has a healthcheck script that reports the server's readiness", async () => {
    const listen = (status: number) =>
      new Promise<number>((resolve) => {
        const server = createServer((req, res) => {
          res.statusCode = req.url === "/v2/health/ready" ? status : 404;
          res.end();
        });
        servers.push(server);
        server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port));
      });
    expect(await runHealthcheck(await listen(200))).toBe(0);
    expect(await runHealthcheck(await listen(503))).toBe(1);
    const closed = await listen(200);
    servers.pop()!.close();
    expect(await runHealthcheck(closed)).toBe(1);
  });

  it("has a compose file serving the local and docker targets with ports, env and secrets by reference", () => {
    const [compose] = parseYaml11(file("compose.yaml"));
    expect(Object.keys(compose.services)).toEqual(["fraud-docker", "fraud-local"]);
    const docker = compose.services["fraud-docker"];
    expect(docker.image).toBe("fraud-api:1.0");
    expect(docker.ports).toEqual([{ target: 8080, published: "8081", protocol: "tcp" }]);
    expect(docker.environment).toEqual({ MLOPS_HEALTH_PORT: "8080", REGION: "eu-west-1" });
    expect(docker.env_file).toEqual(["secrets/fraud-docker.env"]);
    expect(docker).toMatchObject({ user: "10001:10001", read_only: true, cap_drop: ["ALL"], cpus: 1.5, mem_limit: 268435456 });
    expect(docker.command.map(composeExpand)).toEqual([
      "mlops",
      "serve",
      "--plan",
      "/srv/mlops/plan.json",
      "--deployment",
      "fraud_docker",
      "--host",
      "0.0.0.0",
      "--port",
      "8080",
    ]);
    const local = compose.services["fraud-local"];
    expect(local.ports).toEqual([{ target: 8080, published: "8090", protocol: "tcp", host_ip: "127.0.0.1" }]);
    expect(local).not.toHaveProperty("env_file");
    const example = file("secrets/fraud-docker.env.example");
    expect(example).toMatch(/^API_KEY=$/m);
    expect(example).toContain('secret "fraud-api", key "api-key"');
  });

  it("writes no compose file when nothing is served locally", () => {
    const only = fixture("fraud.base.plan.json");
    delete only.deployments.fraud_docker;
    delete only.deployments.fraud_local;
    const paths = renderDocker(only).map((f) => f.path);
    expect(paths).not.toContain("compose.yaml");
    expect(dockerfileProblems(renderDocker(only).find((f) => f.path === "Dockerfile")!.content)).toEqual([]);
  });
});
