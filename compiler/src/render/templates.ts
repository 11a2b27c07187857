/**
 * Handlebars templates of every text artifact that is not YAML. They run with
 * `noEscape: true` and `strict: true`; a value may only be printed through a helper
 * that escapes for the file's language (see `helpers.ts`), never as a bare
 * `{{name}}`: a test scans these templates and fails on any raw print.
 */

export const AIRFLOW_DAG = `{{comment header}}
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
{{#if hasSecrets}}
from airflow.providers.cncf.kubernetes.secret import Secret
{{/if}}
{{#if airflow3}}
from airflow.sdk import DAG, literal
{{else}}
from airflow.models.dag import DAG
from airflow.utils.template import literal
{{/if}}
from kubernetes.client import models as k8s

# Every step runs in the runtime image: \`mlops run-step --plan PLAN_PATH --root PROJECT_ROOT --step ID\`.
# The plan comes from a ConfigMap; the project (data, stores) is the image's workdir.
# User strings reach templated fields only wrapped in literal(), so Jinja never renders them.
IMAGE = {{py image}}
NAMESPACE = {{py namespace}}
PLAN_PATH = {{py planPath}}
PROJECT_ROOT = {{py workdir}}
UID = {{int uid}}
CPU = {{py cpu}}
MEMORY = {{py memory}}


def step_pod(task_id: str, pod_name: str, step_id: str, env: dict[str, str], secrets: list{{#if hasSecrets}}[Secret]{{/if}}) -> KubernetesPodOperator:
    return KubernetesPodOperator(
        task_id=task_id,
        name=pod_name,
        namespace=literal(NAMESPACE),
        image=literal(IMAGE),
        image_pull_policy="IfNotPresent",
        cmds=["mlops"],
        arguments=[literal(arg) for arg in ["run-step", "--plan", PLAN_PATH, "--root", PROJECT_ROOT, "--step", step_id]],
        env_vars=[k8s.V1EnvVar(name=name, value=literal(value)) for name, value in env.items()],
        secrets=secrets,
        labels={
            "app.kubernetes.io/name": pod_name,
            "app.kubernetes.io/part-of": {{py partOf}},
            "app.kubernetes.io/component": "step",
            "app.kubernetes.io/managed-by": "mlops",
        },
        container_resources=k8s.V1ResourceRequirements(
            requests={"cpu": CPU, "memory": MEMORY},
            limits={"cpu": CPU, "memory": MEMORY},
        ),
        security_context=k8s.V1PodSecurityContext(
            run_as_non_root=True,
            run_as_user=UID,
            run_as_group=UID,
            fs_group=UID,
            seccomp_profile=k8s.V1SeccompProfile(type="RuntimeDefault"),
        ),
        container_security_context=k8s.V1SecurityContext(
            allow_privilege_escalation=False,
            read_only_root_filesystem=True,
            run_as_non_root=True,
            run_as_user=UID,
            capabilities=k8s.V1Capabilities(drop=["ALL"]),
            seccomp_profile=k8s.V1SeccompProfile(type="RuntimeDefault"),
        ),
        volumes=[
            k8s.V1Volume(name="plan", config_map=k8s.V1ConfigMapVolumeSource(name={{py configMap}})),
            k8s.V1Volume(
                name="store",
                persistent_volume_claim=k8s.V1PersistentVolumeClaimVolumeSource(claim_name={{py storeClaim}}),
            ),
            k8s.V1Volume(name="tmp", empty_dir=k8s.V1EmptyDirVolumeSource(size_limit="1Gi")),
        ],
        volume_mounts=[
            k8s.V1VolumeMount(name="plan", mount_path={{py planDir}}, read_only=True),
            k8s.V1VolumeMount(name="store", mount_path={{py storeDir}}),
            k8s.V1VolumeMount(name="tmp", mount_path="/tmp"),
        ],
        automount_service_account_token=False,
        get_logs=True,
        on_finish_action="delete_pod",
    )


with DAG(
    dag_id={{py dagId}},
    description={{py description}},
    doc_md={{py docMd}},
{{#if cron}}
    schedule={{py cron}},
{{else if everyMs}}
    schedule=timedelta(milliseconds={{int everyMs}}),
{{else}}
    schedule=None,
{{/if}}
    start_date=datetime({{int startYear}}, {{int startMonth}}, {{int startDay}}, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    default_args={
{{#if hasOwner}}
        "owner": {{py owner}},
{{/if}}
        "retries": {{int retries}},
        "retry_delay": timedelta(milliseconds={{int retryDelayMs}}),
        "execution_timeout": timedelta(milliseconds={{int timeoutMs}}),
    },
    tags=[{{#each tags}}{{#unless @first}}, {{/unless}}{{py this}}{{/each}}],
):
    tasks = {
{{#each tasks}}
        {{py stepId}}: step_pod(
            {{py taskId}},
            {{py podName}},
            {{py stepArg}},
            { {{~#each env}}{{#unless @first}}, {{/unless}}{{py name}}: {{py value}}{{/each~}} },
            [ {{~#each secrets}}{{#unless @first}}, {{/unless}}Secret("env", {{py envName}}, {{py secret}}, {{py key}}){{/each~}} ],
        ),
{{/each}}
    }
{{#each edges}}
    tasks[{{py from}}] >> tasks[{{py to}}]
{{/each}}
`;

export const DOCKERFILE = `# syntax=docker/dockerfile:1
{{comment header}}
# The runtime image: the project, its npm dependencies and the mlops CLI, serving a model by default.
# glibc base: onnxruntime-node has no musl build. Build with this directory as the context.
FROM {{dockerWord baseImage}} AS deps
WORKDIR {{dockerWord workdir}}
# onnxruntime-node's install step downloads GPU add-ons; the CPU runtime is already in the package.
ENV ONNXRUNTIME_NODE_INSTALL=skip
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM {{dockerWord baseImage}} AS runtime
ENV NODE_ENV=production
ENV PATH={{dockerWord workdir}}/node_modules/.bin:$PATH
WORKDIR {{dockerWord workdir}}
COPY --from=deps {{dockerWord workdir}}/node_modules ./node_modules
COPY . .
RUN mkdir -p {{dockerWord storeDir}} && chown {{int uid}}:{{int uid}} {{dockerWord storeDir}}
USER {{int uid}}:{{int uid}}
{{#each ports}}
EXPOSE {{int this}}
{{/each}}
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD {{execForm healthcheck}}
CMD {{execForm command}}
`;

export const HEALTHCHECK_SCRIPT = `{{jsComment header}}
// Docker HEALTHCHECK: exits 0 when the model server on MLOPS_HEALTH_PORT answers /health/ready with 200.
const port = Number(process.env.MLOPS_HEALTH_PORT || {{int defaultPort}});
const request = require("node:http").get({ host: "127.0.0.1", port, path: "/health/ready", timeout: 4000 }, (response) => {
  process.exit(response.statusCode === 200 ? 0 : 1);
});
request.on("timeout", () => request.destroy(new Error("timeout")));
request.on("error", () => process.exit(1));
`;

export const DOCKERIGNORE = `{{comment header}}
.git
.mlops
node_modules
**/node_modules
*.log
.env
.env.*
secrets
rendered
Dockerfile
compose.yaml
`;

/** Every template, for the test that scans them for raw prints. */
export const TEMPLATES: Record<string, string> = {
  "airflow-dag.py": AIRFLOW_DAG,
  Dockerfile: DOCKERFILE,
  "healthcheck.cjs": HEALTHCHECK_SCRIPT,
  ".dockerignore": DOCKERIGNORE,
};
