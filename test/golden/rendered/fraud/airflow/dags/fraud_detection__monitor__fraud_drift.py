# generated from "fraud_detection", plan d0bdeaeeefa0db8fda877fbcd53851298cc975247b4541ec422d9b772ec0a269 — do not edit
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
from airflow.providers.cncf.kubernetes.secret import Secret
from airflow.sdk import DAG, literal
from kubernetes.client import models as k8s

# Every step runs in the runtime image: `mlops run-step --plan PLAN_PATH --root PROJECT_ROOT --step ID`.
# The plan comes from a ConfigMap; the project (data, stores) is the image's workdir.
# User strings reach templated fields only wrapped in literal(), so Jinja never renders them.
IMAGE = "registry.example.com/mlops-runtime:1.0.0"
NAMESPACE = "risk"
PLAN_PATH = "/plan/plan.json"
PROJECT_ROOT = "/srv/mlops"
UID = 10001
CPU = "1"
MEMORY = "2Gi"


def step_pod(task_id: str, pod_name: str, step_id: str, env: dict[str, str], secrets: list[Secret]) -> KubernetesPodOperator:
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
            "app.kubernetes.io/part-of": "fraud-detection",
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
            k8s.V1Volume(name="plan", config_map=k8s.V1ConfigMapVolumeSource(name="fraud-detection-plan")),
            k8s.V1Volume(
                name="store",
                persistent_volume_claim=k8s.V1PersistentVolumeClaimVolumeSource(claim_name="fraud-detection-store"),
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
    dag_id="fraud_detection.monitor.fraud_drift",
    description="Scores card transactions for fraud (monitor fraud_drift)",
    doc_md="Card-transaction fraud classifier: trains a logistic regression on\ntransactions, gates it on quality, latency and fairness, and deploys it.",
    schedule=timedelta(milliseconds=21600000),
    start_date=datetime(2024, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    default_args={
        "owner": "risk-ml@example.com",
        "retries": 2,
        "retry_delay": timedelta(milliseconds=300000),
        "execution_timeout": timedelta(milliseconds=7200000),
    },
    tags=["mlops", "finance", "pci"],
):
    tasks = {
        "monitor.fraud_drift": step_pod(
            "monitor.fraud_drift",
            "monitor-fraud-drift",
            "monitor.fraud_drift",
            {},
            [Secret("env", "DB_URL", "fraud-db", "url")],
        ),
    }
