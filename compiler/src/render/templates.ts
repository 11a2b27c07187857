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
from airflow.sdk import DAG
{{else}}
from airflow.models.dag import DAG
{{/if}}
from kubernetes.client import models as k8s

# Every step runs \`mlops run-step --plan PLAN --root PROJECT --step ID --run-id RUN_ID\` in the runtime image.
# Values from the .mlops sources reach templated fields escaped for Jinja (Airflow renders them back to
# exactly themselves); RUN_ID and LOGICAL_DATE are the only templates. Init containers, node selectors and
# tolerations are not templated fields: their values are written as they are.
NAMESPACE = {{jinja namespace}}
RUN_ID = {{py runIdTemplate}}
LOGICAL_DATE = {{py logicalDateTemplate}}
UID = {{int uid}}
STARTUP_TIMEOUT_SECONDS = {{int startupTimeout}}

POD_SECURITY = k8s.V1PodSecurityContext(
    run_as_non_root=True,
    run_as_user=UID,
    run_as_group=UID,
    fs_group=UID,
    seccomp_profile=k8s.V1SeccompProfile(type="RuntimeDefault"),
)
CONTAINER_SECURITY = k8s.V1SecurityContext(
    allow_privilege_escalation=False,
    read_only_root_filesystem=True,
    run_as_non_root=True,
    run_as_user=UID,
    run_as_group=UID,
    capabilities=k8s.V1Capabilities(drop=["ALL"]),
    seccomp_profile=k8s.V1SeccompProfile(type="RuntimeDefault"),
)
VOLUMES = [
    k8s.V1Volume(name="plan", config_map=k8s.V1ConfigMapVolumeSource(name={{jinja configMap}})),
{{#each volumes}}
{{#if claim}}
    k8s.V1Volume(name={{py name}}, persistent_volume_claim=k8s.V1PersistentVolumeClaimVolumeSource(claim_name={{jinja claim}})),
{{else}}
    k8s.V1Volume(name={{py name}}, empty_dir=k8s.V1EmptyDirVolumeSource(size_limit={{jinja sizeLimit}})),
{{/if}}
{{/each}}
    k8s.V1Volume(name="tmp", empty_dir=k8s.V1EmptyDirVolumeSource(size_limit="1Gi")),
    k8s.V1Volume(name="exchange", empty_dir=k8s.V1EmptyDirVolumeSource(size_limit="10Gi")),
]
# Where the runtime image's containers keep the stores (the Kubernetes render's README says what to create).
STORE_MOUNTS = [
{{#each storeMounts}}
    k8s.V1VolumeMount(name={{py volume}}, mount_path={{jinja path}}),
{{/each}}
]
STORE_ENV = [
{{#each storeEnv}}
{{#if secret}}
    k8s.V1EnvVar(
        name={{py name}},
        value_from=k8s.V1EnvVarSource(
            secret_key_ref=k8s.V1SecretKeySelector(name={{jinja secret.name}}, key={{jinja secret.key}}{{#if secret.optional}}, optional=True{{/if}})
        ),
    ),
{{else}}
    k8s.V1EnvVar(name={{py name}}, value={{jinja value}}),
{{/if}}
{{/each}}
]


def resources(cpu: str, memory: str, gpu: int) -> k8s.V1ResourceRequirements:
    amounts = {"cpu": cpu, "memory": memory}
    if gpu > 0:
        amounts["nvidia.com/gpu"] = str(gpu)
    return k8s.V1ResourceRequirements(requests=amounts, limits=dict(amounts))


def mounts(outputs: list[tuple[str, str, str]], exchange: bool) -> list[k8s.V1VolumeMount]:
    out = [
        k8s.V1VolumeMount(name="plan", mount_path={{py planDir}}, read_only=True),
        *STORE_MOUNTS,
        k8s.V1VolumeMount(name="tmp", mount_path="/tmp"),
    ]
    out += [k8s.V1VolumeMount(name=volume, mount_path=path, sub_path=sub_path) for volume, path, sub_path in outputs]
    if exchange:
        out.append(k8s.V1VolumeMount(name="exchange", mount_path={{py exchangeDir}}))
    return out


def init_container(
    name: str,
    image: str,
    command: list[str],
    args: list[str],
    env: dict[str, str],
    secrets: dict[str, tuple[str, str]],
    size: tuple[str, str, int],
    own_image: bool,
) -> k8s.V1Container:
    secret_env = [
        k8s.V1EnvVar(name=key, value_from=k8s.V1EnvVarSource(secret_key_ref=k8s.V1SecretKeySelector(name=secret, key=item)))
        for key, (secret, item) in secrets.items()
    ]
    return k8s.V1Container(
        name=name,
        image=image,
        image_pull_policy="IfNotPresent",
        command=command,
        args=args,
        env=[k8s.V1EnvVar(name=key, value=value) for key, value in env.items()] + secret_env + ([] if own_image else STORE_ENV),
        resources=resources(*size),
        security_context=CONTAINER_SECURITY,
        volume_mounts=[k8s.V1VolumeMount(name="tmp", mount_path="/tmp"), k8s.V1VolumeMount(name="exchange", mount_path={{py exchangeDir}})]
        if own_image
        else mounts([], True),
    )


def step_pod(
    *,
    task_id: str,
    pod_name: str,
    image: str,
    cmds: list[str],
    arguments: list[str],
    env: dict[str, str],
    secrets: list,
    size: tuple[str, str, int],
    retries: int,
    retry_delay_ms: int,
    timeout_ms: int,
    node_selector: dict[str, str],
    tolerations: list[dict[str, str]],
    init_containers: list[k8s.V1Container],
    outputs: list[tuple[str, str, str]],
    own_image: bool,
    pool: str | None,
    pool_slots: int,
    priority_weight: int | None,
    priority_class: str | None,
) -> KubernetesPodOperator:
    return KubernetesPodOperator(
        task_id=task_id,
        name=pod_name,
        namespace=NAMESPACE,
        image=image,
        image_pull_policy="IfNotPresent",
        cmds=cmds,
        arguments=arguments,
        env_vars=[k8s.V1EnvVar(name=key, value=value) for key, value in env.items()] + ([] if own_image else STORE_ENV),
        secrets=secrets,
        labels={
            "app.kubernetes.io/name": pod_name,
            "app.kubernetes.io/part-of": {{py partOf}},
            "app.kubernetes.io/component": "step",
            "app.kubernetes.io/managed-by": "mlops",
        },
        container_resources=resources(*size),
        security_context=POD_SECURITY,
        container_security_context=CONTAINER_SECURITY,
        volumes=VOLUMES,
        volume_mounts=[k8s.V1VolumeMount(name="tmp", mount_path="/tmp"), k8s.V1VolumeMount(name="exchange", mount_path={{py exchangeDir}})]
        if own_image
        else mounts(outputs, bool(init_containers)),
        init_containers=init_containers,
        node_selector=node_selector,
        tolerations=[k8s.V1Toleration(**toleration) for toleration in tolerations],
        service_account_name={{py serviceAccount}},
        automount_service_account_token=False,
        startup_timeout_seconds=STARTUP_TIMEOUT_SECONDS,
        get_logs=True,
        on_finish_action="delete_pod",
        retries=retries,
        retry_delay=timedelta(milliseconds=retry_delay_ms),
        # the step's own limit is kept by run-step inside the pod; Airflow's also covers the pod's start
        execution_timeout=timedelta(milliseconds=timeout_ms, seconds=STARTUP_TIMEOUT_SECONDS),
        **({"pool": pool} if pool else {}),
        pool_slots=pool_slots,
        # a declared priority is the task's own, not summed over its downstream tasks
        **({"priority_weight": priority_weight, "weight_rule": "absolute"} if priority_weight is not None else {}),
        **({"priority_class_name": priority_class} if priority_class else {}),
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
    catchup={{bool catchup}},
    max_active_runs=1,
{{#if hasOwner}}
    default_args={"owner": {{py owner}} },
{{/if}}
    tags=[{{#each tags}}{{#unless @first}}, {{/unless}}{{py this}}{{/each}}],
):
    tasks = {
{{#each tasks}}
        {{py stepId}}: step_pod(
            task_id={{py taskId}},
            pod_name={{py podName}},
            image={{jinja image}},
            cmds=[{{#each cmds}}{{#unless @first}}, {{/unless}}{{jinja this}}{{/each}}],
            arguments=[{{#each args}}{{#unless @first}}, {{/unless}}{{#if runId}}RUN_ID{{else}}{{jinja text}}{{/if}}{{/each}}],
            env={ {{~#if logicalDate}}"MLOPS_LOGICAL_DATE": LOGICAL_DATE{{#if env.length}}, {{/if}}{{/if}}{{#each env}}{{#unless @first}}, {{/unless}}{{py name}}: {{jinja value}}{{/each~}} },
            secrets=[ {{~#each secrets}}{{#unless @first}}, {{/unless}}Secret("env", {{py envName}}, {{py secret}}, {{py key}}){{/each~}} ],
            size=({{py cpu}}, {{py memory}}, {{int gpu}}),
            retries={{int retries}},
            retry_delay_ms={{int retryDelayMs}},
            timeout_ms={{int timeoutMs}},
            node_selector={ {{~#each nodeSelector}}{{#unless @first}}, {{/unless}}{{py key}}: {{py value}}{{/each~}} },
            tolerations=[ {{~#each tolerations}}{{#unless @first}}, {{/unless}}{ {{~#each this}}{{#unless @first}}, {{/unless}}{{py key}}: {{py value}}{{/each~}} }{{/each~}} ],
            init_containers=[
{{#each initContainers}}
                init_container(
                    {{py name}},
                    {{py image}},
                    [{{#each command}}{{#unless @first}}, {{/unless}}{{py this}}{{/each}}],
                    [{{#each args}}{{#unless @first}}, {{/unless}}{{#if runId}}RUN_ID{{else}}{{py text}}{{/if}}{{/each}}],
                    { {{~#each env}}{{#unless @first}}, {{/unless}}{{py name}}: {{py value}}{{/each~}} },
                    { {{~#each secrets}}{{#unless @first}}, {{/unless}}{{py envName}}: ({{py secret}}, {{py key}}){{/each~}} },
                    ({{py cpu}}, {{py memory}}, {{int gpu}}),
                    {{bool ownImage}},
                ),
{{/each}}
            ],
            outputs=[ {{~#each outputs}}{{#unless @first}}, {{/unless}}({{py volume}}, {{jinja path}}, {{jinja subPath}}){{/each~}} ],
            own_image={{bool ownImage}},
            pool={{#if pool}}{{py pool}}{{else}}None{{/if}},
            pool_slots={{int poolSlots}},
            priority_weight={{#if hasPriority}}{{int priorityWeight}}{{else}}None{{/if}},
            priority_class={{#if priorityClass}}{{py priorityClass}}{{else}}None{{/if}},
        ),
{{/each}}
    }
{{#each edges}}
    tasks[{{py from}}] >> tasks[{{py to}}]
{{/each}}
`;

export const DOCKERFILE = `# syntax=docker/dockerfile:1
{{comment header}}
# The runtime image of every step and server: the mlops toolchain from the npm packages in packages/
# (written by \`mlops render docker\`), installed exactly as package-lock.json says, and the plan.
# No project data is copied: sources are read where they live (object storage, or a volume mounted at
# the project root). glibc base: onnxruntime-node has no musl build. Build with this directory as context.
FROM {{dockerWord baseImage}} AS build
WORKDIR {{dockerWord toolDir}}
# onnxruntime-node's install step downloads GPU add-ons; the CPU runtime is already in the package.
ENV ONNXRUNTIME_NODE_INSTALL=skip
# better-sqlite3 compiles its native addon when no prebuilt binary fits this platform.
RUN apt-get update \\
 && apt-get install -y --no-install-recommends python3 make g++ \\
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
COPY packages/ ./packages/
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
# Keep this platform's onnxruntime binaries only (the package ships every platform's).
RUN find node_modules/onnxruntime-node/bin -mindepth 2 -maxdepth 2 -type d ! -name linux -exec rm -rf {} +

FROM {{dockerWord baseImage}} AS runtime
ENV NODE_ENV=production
ENV PATH={{dockerWord toolDir}}/node_modules/.bin:$PATH
COPY --from=build {{dockerWord toolDir}} {{dockerWord toolDir}}
WORKDIR {{dockerWord workdir}}
COPY plan.json healthcheck.cjs ./
RUN mkdir -p {{dockerWord storeDir}} && chown {{int uid}}:{{int uid}} {{dockerWord storeDir}}
USER {{int uid}}:{{int uid}}
{{#each ports}}
EXPOSE {{int this}}
{{/each}}
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD {{execForm healthcheck}}
CMD {{execForm command}}
`;

export const HEALTHCHECK_SCRIPT = `{{jsComment header}}
// Docker HEALTHCHECK: exits 0 when the model server on MLOPS_HEALTH_PORT answers /v2/health/ready with 200.
const port = Number(process.env.MLOPS_HEALTH_PORT || {{int defaultPort}});
const request = require("node:http").get({ host: "127.0.0.1", port, path: "/v2/health/ready", timeout: 4000 }, (response) => {
  process.exit(response.statusCode === 200 ? 0 : 1);
});
request.on("timeout", () => request.destroy(new Error("timeout")));
request.on("error", () => process.exit(1));
`;

export const DOCKERIGNORE = `{{comment header}}
# The build context is this directory: only the Dockerfile's inputs belong in it.
.git
node_modules
**/node_modules
*.log
.env
.env.*
secrets
compose.yaml
README.md
`;

/** Every template, for the test that scans them for raw prints. */
export const TEMPLATES: Record<string, string> = {
  "airflow-dag.py": AIRFLOW_DAG,
  Dockerfile: DOCKERFILE,
  "healthcheck.cjs": HEALTHCHECK_SCRIPT,
  ".dockerignore": DOCKERIGNORE,
};
