"""A recording stub of the Airflow authoring API used by rendered DAG files.

Materialised as a package tree by python.ts. Every constructor accepts only
the keyword arguments the real API has (the subset a renderer may use) and raises
on anything else. Templated fields are rendered with Jinja2 the way Airflow renders
them at run time (and recorded rendered); other fields must hold no Jinja.
"""
import datetime as _dt
import re

KEY_REGEX = re.compile(r"^[\w.-]+$")
RECORD = {"dags": []}
_current = []


class LiteralValue:
    def __init__(self, value):
        self.value = value


def literal(value):
    return LiteralValue(value)


import jinja2  # Debian python3-jinja2: Airflow renders templated fields with Jinja2

JINJA = jinja2.Environment(undefined=jinja2.StrictUndefined)
# What Airflow puts in the template context for a scheduled run (AIRFLOW_STUB_RUN_ID: another run).
CONTEXT = {
    "run_id": __import__("os").environ.get("AIRFLOW_STUB_RUN_ID", "scheduled__2024-01-02T00:00:00+00:00"),
    "logical_date": _dt.datetime(2024, 1, 2, tzinfo=_dt.timezone.utc),
}


def _render_templated(value, where):
    """What Airflow does to a templated field: render every string with Jinja (a string naming a template file fails)."""
    if isinstance(value, LiteralValue):
        return value.value
    if isinstance(value, str):
        if value.endswith((".json", ".yaml", ".yml")):
            raise ValueError(f"{where}: templated value {value!r} would be loaded as a template file")
        return JINJA.from_string(value).render(CONTEXT)
    if isinstance(value, list):
        return [_render_templated(item, where) for item in value]
    if isinstance(value, tuple):
        return tuple(_render_templated(item, where) for item in value)
    if isinstance(value, dict):
        return {_render_templated(k, where): _render_templated(v, where) for k, v in value.items()}
    if isinstance(value, Model):
        rendered = type(value).__new__(type(value))
        rendered.fields = {k: _render_templated(v, f"{where}.{k}") for k, v in value.fields.items()}
        return rendered
    return value


def _check_kwargs(kind, kwargs, allowed):
    unknown = sorted(set(kwargs) - set(allowed))
    if unknown:
        raise TypeError(f"{kind}() got unexpected keyword arguments {unknown}")


DAG_ARGS = {"dag_id", "description", "doc_md", "schedule", "start_date", "end_date", "catchup", "max_active_runs",
            "default_args", "tags", "params", "dagrun_timeout", "owner_links", "is_paused_upon_creation"}
DEFAULT_ARGS = {"owner", "retries", "retry_delay", "execution_timeout", "retry_exponential_backoff", "email", "depends_on_past"}


class DAG:
    def __init__(self, **kwargs):
        _check_kwargs("DAG", kwargs, DAG_ARGS)
        dag_id = kwargs.get("dag_id")
        if not isinstance(dag_id, str) or not KEY_REGEX.match(dag_id) or len(dag_id) > 250:
            raise ValueError(f"invalid dag_id {dag_id!r}")
        schedule = kwargs.get("schedule", "missing")
        if schedule == "missing":
            raise ValueError("schedule must be explicit")
        if not (schedule is None or isinstance(schedule, (str, _dt.timedelta))):
            raise TypeError(f"schedule {schedule!r}")
        start = kwargs.get("start_date")
        if not isinstance(start, _dt.datetime) or start.tzinfo is None:
            raise ValueError("start_date must be a timezone-aware datetime")
        _check_kwargs("default_args", kwargs.get("default_args", {}), DEFAULT_ARGS)
        for key in ("description", "doc_md"):
            if key in kwargs and not isinstance(kwargs[key], str):
                raise TypeError(f"{key} must be a string")
        tags = kwargs.get("tags", [])
        if not all(isinstance(tag, str) for tag in tags):
            raise TypeError("tags must be strings")
        self.kwargs = kwargs
        self.tasks = {}
        self.edges = []
        RECORD["dags"].append(self)

    def __enter__(self):
        _current.append(self)
        return self

    def __exit__(self, *exc):
        _current.pop()
        return False


class BaseOperator:
    def __init__(self, task_id, **kwargs):
        if not _current:
            raise RuntimeError("operator created outside a DAG")
        if not isinstance(task_id, str) or not KEY_REGEX.match(task_id) or len(task_id) > 250:
            raise ValueError(f"invalid task_id {task_id!r}")
        dag = _current[-1]
        if task_id in dag.tasks:
            raise ValueError(f"duplicate task_id {task_id!r}")
        self.task_id = task_id
        self.dag = dag
        self.kwargs = kwargs
        dag.tasks[task_id] = self

    def __rshift__(self, other):
        targets = other if isinstance(other, list) else [other]
        for target in targets:
            if target.dag is not self.dag:
                raise ValueError("edge between DAGs")
            self.dag.edges.append([self.task_id, target.task_id])
        return other


KPO_ARGS = {"name", "namespace", "image", "image_pull_policy", "cmds", "arguments", "env_vars", "secrets", "labels",
            "annotations", "container_resources", "security_context", "container_security_context", "volumes",
            "volume_mounts", "automount_service_account_token", "get_logs", "on_finish_action", "service_account_name",
            "node_selector", "tolerations", "startup_timeout_seconds", "retries", "retry_delay", "execution_timeout",
            "owner", "doc_md", "pool", "pool_slots", "init_containers", "priority_weight", "weight_rule",
            "priority_class_name"}
# KubernetesPodOperator.template_fields (provider 10.x); init_containers, node_selector and tolerations are not templated.
KPO_TEMPLATED = ("image", "cmds", "arguments", "env_vars", "labels", "annotations", "namespace", "container_resources",
                 "volumes", "volume_mounts")


class KubernetesPodOperator(BaseOperator):
    def __init__(self, *, task_id, **kwargs):
        _check_kwargs("KubernetesPodOperator", kwargs, KPO_ARGS)
        for field in KPO_TEMPLATED:
            if field in kwargs:
                kwargs[field] = _render_templated(kwargs[field], f"{task_id}.{field}")
        if kwargs.get("on_finish_action") not in (None, "delete_pod", "delete_succeeded_pod", "keep_pod"):
            raise ValueError("on_finish_action")
        for secret in kwargs.get("secrets", []):
            if not isinstance(secret, Secret):
                raise TypeError("secrets must be Secret objects")
        super().__init__(task_id, **kwargs)


class Secret:
    def __init__(self, deploy_type, deploy_target, secret, key=None, items=None):
        if deploy_type not in ("env", "volume"):
            raise ValueError(f"deploy_type {deploy_type!r}")
        for value in (deploy_target, secret, key):
            if value is not None and not isinstance(value, str):
                raise TypeError("Secret fields are strings")
        self.fields = {"deploy_type": deploy_type, "deploy_target": deploy_target, "secret": secret, "key": key}


class Model:
    FIELDS = ()

    def __init__(self, **kwargs):
        _check_kwargs(type(self).__name__, kwargs, self.FIELDS)
        self.fields = kwargs


def _model(name, fields):
    return type(name, (Model,), {"FIELDS": tuple(fields)})


K8S_MODELS = {
    "V1EnvVar": ["name", "value", "value_from"],
    "V1ResourceRequirements": ["requests", "limits", "claims"],
    "V1PodSecurityContext": ["run_as_non_root", "run_as_user", "run_as_group", "fs_group", "seccomp_profile", "supplemental_groups"],
    "V1SecurityContext": ["allow_privilege_escalation", "read_only_root_filesystem", "run_as_non_root", "run_as_user",
                          "run_as_group", "capabilities", "seccomp_profile", "privileged"],
    "V1SeccompProfile": ["type", "localhost_profile"],
    "V1Capabilities": ["add", "drop"],
    "V1Volume": ["name", "config_map", "persistent_volume_claim", "empty_dir", "secret"],
    "V1ConfigMapVolumeSource": ["name", "items", "default_mode", "optional"],
    "V1PersistentVolumeClaimVolumeSource": ["claim_name", "read_only"],
    "V1EmptyDirVolumeSource": ["medium", "size_limit"],
    "V1VolumeMount": ["name", "mount_path", "read_only", "sub_path"],
    "V1Container": ["name", "image", "image_pull_policy", "command", "args", "env", "resources", "security_context",
                    "volume_mounts", "working_dir"],
    "V1EnvVarSource": ["secret_key_ref", "config_map_key_ref", "field_ref"],
    "V1SecretKeySelector": ["name", "key", "optional"],
    "V1Toleration": ["key", "operator", "value", "effect", "toleration_seconds"],
}


def encode(value):
    """JSON-ready form of what the DAG file passed."""
    if isinstance(value, LiteralValue):
        return {"literal": encode(value.value)}
    if isinstance(value, Model):
        return {"model": type(value).__name__, "fields": {k: encode(v) for k, v in value.fields.items()}}
    if isinstance(value, Secret):
        return {"secret": value.fields}
    if isinstance(value, _dt.timedelta):
        return {"timedelta_ms": round(value.total_seconds() * 1000)}
    if isinstance(value, _dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    return value


def dump():
    return [
        {
            "kwargs": encode(dag.kwargs),
            "tasks": {tid: encode(task.kwargs) for tid, task in dag.tasks.items()},
            "edges": dag.edges,
        }
        for dag in RECORD["dags"]
    ]
