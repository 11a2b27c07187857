# generated from "iris_species", plan f37d672e6b01476bd59bf1e7fbd3eb788f90c88cc01ccb245792ac174789e269 — do not edit
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
from airflow.sdk import DAG
from kubernetes.client import models as k8s

# Every step runs `mlops run-step --plan PLAN --root PROJECT --step ID --run-id RUN_ID` in the runtime image.
# Values from the .mlops sources reach templated fields escaped for Jinja (Airflow renders them back to
# exactly themselves); RUN_ID and LOGICAL_DATE are the only templates. Init containers, node selectors and
# tolerations are not templated fields: their values are written as they are.
NAMESPACE = "iris-species"
RUN_ID = "{{ run_id }}"
LOGICAL_DATE = "{{ logical_date.isoformat() if logical_date else '' }}"
UID = 10001
STARTUP_TIMEOUT_SECONDS = 600

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
    k8s.V1Volume(name="plan", config_map=k8s.V1ConfigMapVolumeSource(name="iris-species-plan-f37d672e6b")),
    k8s.V1Volume(name="scratch", empty_dir=k8s.V1EmptyDirVolumeSource(size_limit="10Gi")),
    k8s.V1Volume(name="tmp", empty_dir=k8s.V1EmptyDirVolumeSource(size_limit="1Gi")),
    k8s.V1Volume(name="exchange", empty_dir=k8s.V1EmptyDirVolumeSource(size_limit="10Gi")),
]
# Where the runtime image's containers keep the stores (the Kubernetes render's README says what to create).
STORE_MOUNTS = [
    k8s.V1VolumeMount(name="scratch", mount_path="/srv/mlops/.mlops"),
]
STORE_ENV = [
    k8s.V1EnvVar(
        name="MLOPS_DATABASE_URL",
        value_from=k8s.V1EnvVarSource(
            secret_key_ref=k8s.V1SecretKeySelector(name="iris-species-stores", key="MLOPS_DATABASE_URL")
        ),
    ),
    k8s.V1EnvVar(
        name="MLOPS_ARTIFACT_STORE",
        value_from=k8s.V1EnvVarSource(
            secret_key_ref=k8s.V1SecretKeySelector(name="iris-species-stores", key="MLOPS_ARTIFACT_STORE")
        ),
    ),
    k8s.V1EnvVar(
        name="AWS_ENDPOINT_URL",
        value_from=k8s.V1EnvVarSource(
            secret_key_ref=k8s.V1SecretKeySelector(name="iris-species-stores", key="AWS_ENDPOINT_URL", optional=True)
        ),
    ),
    k8s.V1EnvVar(
        name="AWS_REGION",
        value_from=k8s.V1EnvVarSource(
            secret_key_ref=k8s.V1SecretKeySelector(name="iris-species-stores", key="AWS_REGION", optional=True)
        ),
    ),
    k8s.V1EnvVar(
        name="AWS_ACCESS_KEY_ID",
        value_from=k8s.V1EnvVarSource(
            secret_key_ref=k8s.V1SecretKeySelector(name="iris-species-stores", key="AWS_ACCESS_KEY_ID", optional=True)
        ),
    ),
    k8s.V1EnvVar(
        name="AWS_SECRET_ACCESS_KEY",
        value_from=k8s.V1EnvVarSource(
            secret_key_ref=k8s.V1SecretKeySelector(name="iris-species-stores", key="AWS_SECRET_ACCESS_KEY", optional=True)
        ),
    ),
    k8s.V1EnvVar(
        name="MLOPS_S3_FORCE_PATH_STYLE",
        value_from=k8s.V1EnvVarSource(
            secret_key_ref=k8s.V1SecretKeySelector(name="iris-species-stores", key="MLOPS_S3_FORCE_PATH_STYLE", optional=True)
        ),
    ),
]


def resources(cpu: str, memory: str, gpu: int) -> k8s.V1ResourceRequirements:
    amounts = {"cpu": cpu, "memory": memory}
    if gpu > 0:
        amounts["nvidia.com/gpu"] = str(gpu)
    return k8s.V1ResourceRequirements(requests=amounts, limits=dict(amounts))


def mounts(outputs: list[tuple[str, str, str]], exchange: bool) -> list[k8s.V1VolumeMount]:
    out = [
        k8s.V1VolumeMount(name="plan", mount_path="/plan", read_only=True),
        *STORE_MOUNTS,
        k8s.V1VolumeMount(name="tmp", mount_path="/tmp"),
    ]
    out += [k8s.V1VolumeMount(name=volume, mount_path=path, sub_path=sub_path) for volume, path, sub_path in outputs]
    if exchange:
        out.append(k8s.V1VolumeMount(name="exchange", mount_path="/exchange"))
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
        volume_mounts=[k8s.V1VolumeMount(name="tmp", mount_path="/tmp"), k8s.V1VolumeMount(name="exchange", mount_path="/exchange")]
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
            "app.kubernetes.io/part-of": "iris-species",
            "app.kubernetes.io/component": "step",
            "app.kubernetes.io/managed-by": "mlops",
        },
        container_resources=resources(*size),
        security_context=POD_SECURITY,
        container_security_context=CONTAINER_SECURITY,
        volumes=VOLUMES,
        volume_mounts=[k8s.V1VolumeMount(name="tmp", mount_path="/tmp"), k8s.V1VolumeMount(name="exchange", mount_path="/exchange")]
        if own_image
        else mounts(outputs, bool(init_containers)),
        init_containers=init_containers,
        node_selector=node_selector,
        tolerations=[k8s.V1Toleration(**toleration) for toleration in tolerations],
        service_account_name="iris-species-steps",
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
    dag_id="iris_species",
    description="iris_species (training pipeline)",
    doc_md="Iris species (the classic 150-row table, public domain): a multiclass\nsoftmax regression, scored nightly on new measurements.",
    schedule=None,
    start_date=datetime(2024, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    default_args={"owner": "botany@example.com" },
    tags=["mlops", "demo", "multiclass"],
):
    tasks = {
        "ingest.flowers": step_pod(
            task_id="ingest.flowers",
            pod_name="ingest-flowers",
            image="registry.example.com/mlops-runtime:1.0.0",
            cmds=["mlops"],
            arguments=["run-step", "--plan", "/plan/plan.json{{ '' }}", "--root", "/srv/mlops", "--step", "ingest.flowers", "--run-id", RUN_ID],
            env={"MLOPS_LOGICAL_DATE": LOGICAL_DATE},
            secrets=[],
            size=("1", "2Gi", 0),
            retries=2,
            retry_delay_ms=300000,
            timeout_ms=7200000,
            node_selector={},
            tolerations=[],
            init_containers=[
            ],
            outputs=[],
            own_image=False,
            pool=None,
            pool_slots=1,
            priority_weight=None,
            priority_class=None,
        ),
        "validate.flowers": step_pod(
            task_id="validate.flowers",
            pod_name="validate-flowers",
            image="registry.example.com/mlops-runtime:1.0.0",
            cmds=["mlops"],
            arguments=["run-step", "--plan", "/plan/plan.json{{ '' }}", "--root", "/srv/mlops", "--step", "validate.flowers", "--run-id", RUN_ID],
            env={"MLOPS_LOGICAL_DATE": LOGICAL_DATE},
            secrets=[],
            size=("1", "2Gi", 0),
            retries=2,
            retry_delay_ms=300000,
            timeout_ms=7200000,
            node_selector={},
            tolerations=[],
            init_containers=[
            ],
            outputs=[],
            own_image=False,
            pool=None,
            pool_slots=1,
            priority_weight=None,
            priority_class=None,
        ),
        "split.species_clf": step_pod(
            task_id="split.species_clf",
            pod_name="split-species-clf",
            image="registry.example.com/mlops-runtime:1.0.0",
            cmds=["mlops"],
            arguments=["run-step", "--plan", "/plan/plan.json{{ '' }}", "--root", "/srv/mlops", "--step", "split.species_clf", "--run-id", RUN_ID],
            env={"MLOPS_LOGICAL_DATE": LOGICAL_DATE},
            secrets=[],
            size=("1", "2Gi", 0),
            retries=2,
            retry_delay_ms=300000,
            timeout_ms=7200000,
            node_selector={},
            tolerations=[],
            init_containers=[
            ],
            outputs=[],
            own_image=False,
            pool=None,
            pool_slots=1,
            priority_weight=None,
            priority_class=None,
        ),
        "fit_features.species_clf": step_pod(
            task_id="fit_features.species_clf",
            pod_name="fit-features-species-clf",
            image="registry.example.com/mlops-runtime:1.0.0",
            cmds=["mlops"],
            arguments=["run-step", "--plan", "/plan/plan.json{{ '' }}", "--root", "/srv/mlops", "--step", "fit_features.species_clf", "--run-id", RUN_ID],
            env={"MLOPS_LOGICAL_DATE": LOGICAL_DATE},
            secrets=[],
            size=("1", "2Gi", 0),
            retries=2,
            retry_delay_ms=300000,
            timeout_ms=7200000,
            node_selector={},
            tolerations=[],
            init_containers=[
            ],
            outputs=[],
            own_image=False,
            pool=None,
            pool_slots=1,
            priority_weight=None,
            priority_class=None,
        ),
        "train.species_clf": step_pod(
            task_id="train.species_clf",
            pod_name="train-species-clf",
            image="registry.example.com/mlops-runtime:1.0.0",
            cmds=["mlops"],
            arguments=["run-step", "--plan", "/plan/plan.json{{ '' }}", "--root", "/srv/mlops", "--step", "train.species_clf", "--run-id", RUN_ID],
            env={"MLOPS_LOGICAL_DATE": LOGICAL_DATE},
            secrets=[],
            size=("1", "2Gi", 0),
            retries=2,
            retry_delay_ms=300000,
            timeout_ms=7200000,
            node_selector={},
            tolerations=[],
            init_containers=[
            ],
            outputs=[],
            own_image=False,
            pool=None,
            pool_slots=1,
            priority_weight=None,
            priority_class=None,
        ),
        "evaluate.species_clf": step_pod(
            task_id="evaluate.species_clf",
            pod_name="evaluate-species-clf",
            image="registry.example.com/mlops-runtime:1.0.0",
            cmds=["mlops"],
            arguments=["run-step", "--plan", "/plan/plan.json{{ '' }}", "--root", "/srv/mlops", "--step", "evaluate.species_clf", "--run-id", RUN_ID],
            env={"MLOPS_LOGICAL_DATE": LOGICAL_DATE},
            secrets=[],
            size=("1", "2Gi", 0),
            retries=2,
            retry_delay_ms=300000,
            timeout_ms=7200000,
            node_selector={},
            tolerations=[],
            init_containers=[
            ],
            outputs=[],
            own_image=False,
            pool=None,
            pool_slots=1,
            priority_weight=None,
            priority_class=None,
        ),
        "gate.ok": step_pod(
            task_id="gate.ok",
            pod_name="gate-ok",
            image="registry.example.com/mlops-runtime:1.0.0",
            cmds=["mlops"],
            arguments=["run-step", "--plan", "/plan/plan.json{{ '' }}", "--root", "/srv/mlops", "--step", "gate.ok", "--run-id", RUN_ID],
            env={"MLOPS_LOGICAL_DATE": LOGICAL_DATE},
            secrets=[],
            size=("1", "2Gi", 0),
            retries=2,
            retry_delay_ms=300000,
            timeout_ms=7200000,
            node_selector={},
            tolerations=[],
            init_containers=[
            ],
            outputs=[],
            own_image=False,
            pool=None,
            pool_slots=1,
            priority_weight=None,
            priority_class=None,
        ),
        "register.species_clf": step_pod(
            task_id="register.species_clf",
            pod_name="register-species-clf",
            image="registry.example.com/mlops-runtime:1.0.0",
            cmds=["mlops"],
            arguments=["run-step", "--plan", "/plan/plan.json{{ '' }}", "--root", "/srv/mlops", "--step", "register.species_clf", "--run-id", RUN_ID],
            env={"MLOPS_LOGICAL_DATE": LOGICAL_DATE},
            secrets=[],
            size=("1", "2Gi", 0),
            retries=2,
            retry_delay_ms=300000,
            timeout_ms=7200000,
            node_selector={},
            tolerations=[],
            init_containers=[
            ],
            outputs=[],
            own_image=False,
            pool=None,
            pool_slots=1,
            priority_weight=None,
            priority_class=None,
        ),
        "deploy.species_scores": step_pod(
            task_id="deploy.species_scores",
            pod_name="deploy-species-scores",
            image="registry.example.com/mlops-runtime:1.0.0",
            cmds=["mlops"],
            arguments=["run-step", "--plan", "/plan/plan.json{{ '' }}", "--root", "/srv/mlops", "--step", "deploy.species_scores", "--run-id", RUN_ID],
            env={"MLOPS_LOGICAL_DATE": LOGICAL_DATE},
            secrets=[],
            size=("1", "2Gi", 0),
            retries=2,
            retry_delay_ms=300000,
            timeout_ms=7200000,
            node_selector={},
            tolerations=[],
            init_containers=[
            ],
            outputs=[],
            own_image=False,
            pool=None,
            pool_slots=1,
            priority_weight=None,
            priority_class=None,
        ),
    }
    tasks["ingest.flowers"] >> tasks["validate.flowers"]
    tasks["validate.flowers"] >> tasks["split.species_clf"]
    tasks["split.species_clf"] >> tasks["fit_features.species_clf"]
    tasks["fit_features.species_clf"] >> tasks["train.species_clf"]
    tasks["train.species_clf"] >> tasks["evaluate.species_clf"]
    tasks["evaluate.species_clf"] >> tasks["gate.ok"]
    tasks["gate.ok"] >> tasks["register.species_clf"]
    tasks["register.species_clf"] >> tasks["deploy.species_scores"]
