# generated from "house_prices", plan 185ed1f29bf17a6c04f6376c2aef16c4d96696ef958865810fda56b754fe908f — do not edit
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
from airflow.sdk import DAG, literal
from kubernetes.client import models as k8s

# Every step runs in the runtime image: `mlops run-step --plan PLAN_PATH --root PROJECT_ROOT --step ID`.
# The plan comes from a ConfigMap; the project (data, stores) is the image's workdir.
# User strings reach templated fields only wrapped in literal(), so Jinja never renders them.
IMAGE = "registry.example.com/mlops-runtime:1.0.0"
NAMESPACE = "default"
PLAN_PATH = "/plan/plan.json"
PROJECT_ROOT = "/srv/mlops"
UID = 10001
CPU = "1"
MEMORY = "2Gi"


def step_pod(task_id: str, pod_name: str, step_id: str, env: dict[str, str], secrets: list) -> KubernetesPodOperator:
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
            "app.kubernetes.io/part-of": "house-prices",
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
            k8s.V1Volume(name="plan", config_map=k8s.V1ConfigMapVolumeSource(name="house-prices-plan")),
            k8s.V1Volume(
                name="store",
                persistent_volume_claim=k8s.V1PersistentVolumeClaimVolumeSource(claim_name="house-prices-store"),
            ),
            k8s.V1Volume(name="tmp", empty_dir=k8s.V1EmptyDirVolumeSource(size_limit="1Gi")),
        ],
        volume_mounts=[
            k8s.V1VolumeMount(name="plan", mount_path="/plan", read_only=True),
            k8s.V1VolumeMount(name="store", mount_path="/srv/mlops/.mlops"),
            k8s.V1VolumeMount(name="tmp", mount_path="/tmp"),
        ],
        automount_service_account_token=False,
        get_logs=True,
        on_finish_action="delete_pod",
    )


with DAG(
    dag_id="house_prices",
    description="house_prices (training pipeline)",
    doc_md="House prices: a ridge regression over a parquet table of sales, gated on\nR\u00b2 and RMSE and served locally by `mlops serve`.",
    schedule=None,
    start_date=datetime(2024, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    default_args={
        "owner": "pricing@example.com",
        "retries": 2,
        "retry_delay": timedelta(milliseconds=300000),
        "execution_timeout": timedelta(milliseconds=7200000),
    },
    tags=["mlops", "demo", "regression"],
):
    tasks = {
        "ingest.sales": step_pod(
            "ingest.sales",
            "ingest-sales",
            "ingest.sales",
            {},
            [],
        ),
        "validate.sales": step_pod(
            "validate.sales",
            "validate-sales",
            "validate.sales",
            {},
            [],
        ),
        "split.price_model": step_pod(
            "split.price_model",
            "split-price-model",
            "split.price_model",
            {},
            [],
        ),
        "fit_features.price_model": step_pod(
            "fit_features.price_model",
            "fit-features-price-model",
            "fit_features.price_model",
            {},
            [],
        ),
        "train.price_model": step_pod(
            "train.price_model",
            "train-price-model",
            "train.price_model",
            {},
            [],
        ),
        "evaluate.price_model": step_pod(
            "evaluate.price_model",
            "evaluate-price-model",
            "evaluate.price_model",
            {},
            [],
        ),
        "gate.quality": step_pod(
            "gate.quality",
            "gate-quality",
            "gate.quality",
            {},
            [],
        ),
        "register.price_model": step_pod(
            "register.price_model",
            "register-price-model",
            "register.price_model",
            {},
            [],
        ),
        "deploy.price_api": step_pod(
            "deploy.price_api",
            "deploy-price-api",
            "deploy.price_api",
            {},
            [],
        ),
    }
    tasks["ingest.sales"] >> tasks["validate.sales"]
    tasks["validate.sales"] >> tasks["split.price_model"]
    tasks["split.price_model"] >> tasks["fit_features.price_model"]
    tasks["fit_features.price_model"] >> tasks["train.price_model"]
    tasks["train.price_model"] >> tasks["evaluate.price_model"]
    tasks["evaluate.price_model"] >> tasks["gate.quality"]
    tasks["gate.quality"] >> tasks["register.price_model"]
    tasks["register.price_model"] >> tasks["deploy.price_api"]
