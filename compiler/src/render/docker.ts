import type { DeploymentSpec, Plan } from "../plan/types.js";
import { commentText, composeLiteral } from "./escape.js";
import { hashComment, headerLine, planText } from "./header.js";
import { compileTemplate, type TemplateFn } from "./helpers.js";
import { dnsLabel, RenderError, requirePinnedImage } from "./names.js";
import { LAYOUT, requireRuntimeImage, resolveSettings, sortedEnv, type RenderOptions, type Settings } from "./options.js";
import type { RenderedFile } from "./rendered-file.js";
import { DOCKERFILE, DOCKERIGNORE, HEALTHCHECK_SCRIPT } from "./templates.js";
import { toYaml } from "./yaml-out.js";

/** The default base: Docker's official Node.js image (glibc); pin it by digest with `--base-image`. */
export const BASE_IMAGE = "node:22-bookworm-slim";
/** Where the toolchain is installed in the image (outside the project, so a volume at the project root hides nothing). */
const TOOL_DIR = "/opt/mlops";
const HEALTHCHECK_PATH = `${LAYOUT.workdir}/healthcheck.cjs`;

let templates: { dockerfile: TemplateFn; healthcheck: TemplateFn; dockerignore: TemplateFn } | undefined;

/** Deployments served by compose: `local` and `docker` targets, by name. */
function composeDeployments(plan: Plan): DeploymentSpec[] {
  return Object.keys(plan.deployments)
    .sort()
    .map((name) => plan.deployments[name]!)
    .filter((d) => d.target.kind === "local" || d.target.kind === "docker");
}

function serveArgs(deployment: DeploymentSpec): string[] {
  return [
    "mlops",
    "serve",
    "--plan",
    LAYOUT.imagePlanPath,
    "--deployment",
    deployment.name,
    "--host",
    "0.0.0.0",
    "--port",
    String(deployment.endpoint.port),
  ];
}

function defaultCommand(plan: Plan): string[] {
  const served = composeDeployments(plan)[0] ?? Object.values(plan.deployments).find((d) => d.target.kind === "kubernetes");
  return served ? serveArgs(served) : ["mlops", "--version"];
}

function serviceName(deployment: DeploymentSpec): string {
  return dnsLabel(deployment.name, 63);
}

function service(_plan: Plan, settings: Settings, deployment: DeploymentSpec): Record<string, unknown> {
  const where = `deployment ${JSON.stringify(deployment.name)}`;
  const target = deployment.target;
  if (target.kind !== "local" && target.kind !== "docker") throw new RenderError(`${where}: not a local or docker target`);
  const image = target.kind === "docker" ? requirePinnedImage(target.image, where) : requireRuntimeImage(settings);
  const env = sortedEnv(deployment.envVars, where);
  const environment: Record<string, string> = { MLOPS_HEALTH_PORT: String(deployment.endpoint.port) };
  for (const [name, value] of env) if (value.kind === "literal") environment[name] = composeLiteral(value.value);
  const hasSecrets = env.some(([, value]) => value.kind === "secret");
  const limits =
    target.kind === "docker"
      ? {
          ...(target.cpuMillis !== undefined ? { cpus: target.cpuMillis / 1000 } : {}),
          ...(target.memoryBytes !== undefined ? { mem_limit: target.memoryBytes } : {}),
        }
      : {};
  return {
    image: composeLiteral(image),
    build: { context: ".", dockerfile: "Dockerfile" },
    command: serveArgs(deployment).map(composeLiteral),
    ports: [
      {
        target: deployment.endpoint.port,
        published: String(target.port),
        protocol: "tcp",
        ...(target.kind === "local" ? { host_ip: "127.0.0.1" } : {}),
      },
    ],
    environment,
    ...(hasSecrets ? { env_file: [`secrets/${serviceName(deployment)}.env`] } : {}),
    user: `${settings.uid}:${settings.uid}`,
    read_only: true,
    tmpfs: ["/tmp"],
    cap_drop: ["ALL"],
    security_opt: ["no-new-privileges:true"],
    volumes: [{ type: "volume", source: "store", target: LAYOUT.storeDir }],
    ...limits,
    restart: "unless-stopped",
  };
}

function secretsExample(plan: Plan, settings: Settings, deployment: DeploymentSpec): RenderedFile | null {
  const secrets = sortedEnv(deployment.envVars, `deployment ${JSON.stringify(deployment.name)}`).filter(
    ([, value]) => value.kind === "secret",
  );
  if (secrets.length === 0) return null;
  const name = serviceName(deployment);
  const lines = [
    hashComment(plan, settings.hash),
    `# Copy to secrets/${name}.env, fill in the values, and keep that file out of version control.`,
  ];
  for (const [env, value] of secrets) {
    if (value.kind !== "secret") continue;
    lines.push(`# ${env}: secret ${commentText(value.name)}, key ${commentText(value.key)}`, `${env}=`);
  }
  return { path: `secrets/${name}.env.example`, content: `${lines.join("\n")}\n` };
}

/** The image's package.json: the toolchain from the tarballs `mlops render docker` packs into packages/. */
function imageManifest(plan: Plan, header: string): string {
  const version = plan.compiler.version;
  const manifest = {
    name: `${dnsLabel(plan.pipeline.name)}-runtime-image`,
    private: true,
    // JSON has no comments: the generated-file notice is the description.
    description: `The mlops toolchain installed from packages/ as package-lock.json pins it; ${header}`,
    dependencies: {
      "@mlops/compiler": `file:packages/mlops-compiler-${version}.tgz`,
      "@mlops/runtime": `file:packages/mlops-runtime-${version}.tgz`,
    },
    // better-sqlite3 builds its addon; onnxruntime-node's postinstall would download GPU add-ons.
    allowScripts: { "better-sqlite3": true, "onnxruntime-node": false },
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

function readme(plan: Plan, settings: Settings, baseImage: string): string {
  return [
    `<!-- ${headerLine(plan, settings.hash)} -->`,
    "# Docker",
    "",
    "This directory is the build context: `docker build -t IMAGE .` builds the runtime image every step and server runs;",
    "`docker compose up --build` builds it and serves every local and docker deployment.",
    "",
    "- `mlops render docker` writes `packages/` (`npm pack` of @mlops/compiler and @mlops/runtime, the toolchain that",
    "  rendered this) and `package-lock.json` (their dependencies, pinned); the image installs exactly those with",
    "  `npm ci --omit=dev`, native parts included (onnxruntime-node's CPU binaries, better-sqlite3 compiled in the",
    "  build stage). Nothing is installed from anywhere else.",
    `- Base image \`${baseImage}\` (glibc: onnxruntime-node has no musl build); pin it by digest with`,
    "  `mlops render docker --base-image node:22-bookworm-slim@sha256:...`.",
    "- No project data is in the image: only the toolchain and `plan.json`. Sources are read where they live (object",
    "  storage, or a volume mounted at `/srv/mlops`).",
    `- Runs as uid ${settings.uid} with a read-only root filesystem; the stores live in the \`store\` volume. The`,
    "  HEALTHCHECK asks the server's `/v2/health/ready`.",
    "- Secrets are never written here: a service that needs them reads `secrets/<service>.env`",
    "  (see the `.env.example` next to it).",
    "- Images must be pinned: an untagged or `:latest` image is refused.",
    "",
  ].join("\n");
}

/** Dockerfile, .dockerignore, healthcheck script, compose file, the plan and secret env templates. */
export function renderDockerFiles(plan: Plan, options: RenderOptions = {}): RenderedFile[] {
  const settings = resolveSettings(plan, options);
  const baseImage = requirePinnedImage(options.baseImage ?? BASE_IMAGE, "option baseImage");
  templates ??= {
    dockerfile: compileTemplate(DOCKERFILE),
    healthcheck: compileTemplate(HEALTHCHECK_SCRIPT),
    dockerignore: compileTemplate(DOCKERIGNORE),
  };
  const header = headerLine(plan, settings.hash);
  const served = composeDeployments(plan);
  const ports = [...new Set(served.map((d) => d.endpoint.port))].sort((a, b) => a - b);
  const files: RenderedFile[] = [
    {
      path: "Dockerfile",
      content: templates.dockerfile({
        header,
        baseImage,
        toolDir: TOOL_DIR,
        workdir: LAYOUT.workdir,
        storeDir: LAYOUT.storeDir,
        uid: settings.uid,
        ports,
        healthcheck: ["node", HEALTHCHECK_PATH],
        command: defaultCommand(plan),
      }),
    },
    { path: ".dockerignore", content: templates.dockerignore({ header }) },
    { path: "healthcheck.cjs", content: templates.healthcheck({ header, defaultPort: ports[0] ?? 8080 }) },
    { path: "plan.json", content: planText(plan) },
    { path: "package.json", content: imageManifest(plan, header) },
    { path: "README.md", content: readme(plan, settings, baseImage) },
  ];
  const services: Record<string, unknown> = {};
  for (const deployment of served) {
    const name = serviceName(deployment);
    if (name in services)
      throw new RenderError(`deployments ${JSON.stringify(deployment.name)} and another map to the same compose service ${name}`);
    services[name] = service(plan, settings, deployment);
    const example = secretsExample(plan, settings, deployment);
    if (example) files.push(example);
  }
  if (served.length > 0) {
    files.push({
      path: "compose.yaml",
      content: toYaml({ name: dnsLabel(plan.pipeline.name), services, volumes: { store: {} } }, hashComment(plan, settings.hash)),
    });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
