"""Property: every structured mutation of the bundled tenants.yaml is either refused (exit 2, each problem at a
line of the file) or accepted and valid for AWS — checked here against AWS's own rules for what saasctl
sends, independently of the code that enforces them."""

from __future__ import annotations

import copy
import ipaddress
import re
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infra import aws_limits as limits
from infra import naming
from saas_ctl.errors import EXIT_INVALID, SpecError
from saas_ctl.preflight import catalog, offline
from saas_ctl.preflight.findings import Severity
from saas_ctl.spec.loader import load_bytes
from saas_ctl.spec.models import TenantsFile, resolve
from tests.conftest import EXAMPLE

BASE = yaml.safe_load(EXAMPLE.read_text())

HOSTILE = st.one_of(
    st.booleans(),
    st.none(),
    st.integers(-(2**63), 2**63),
    st.sampled_from([0, -1, 65536, 5001, 50001, 2**31, 1e308, float("inf")]),
    st.text(max_size=300),
    st.sampled_from(
        [
            "",
            " ",
            "nginx latest",
            "a" * 300,
            'x"]y',
            "emoji🙂",
            "169.254.0.0/16",
            "127.0.0.0/8",
            "0.0.0.0/0",
            "us-north-9",
            "15.4",
            "db.t3.micro",
            "/" + "p" * 1100,
            "DB_HOST",
            "aws:reserved",
            "*.*.example.com",
        ]
    ),
)


# Values of the right kind that may still be wrong somewhere else: they get mutations accepted, so the AWS
# side of the property is exercised too.
PLAUSIBLE_VALUES = [
    1, 2, 4, 80, 512, 1024, 2048, 8080, 60, 4999, 5000, 49999,
    "web", "team-a", "acme.example.com", "nginx:1.27", "/healthz", "us-west-2", "eu-central-1", "10.1.0.0/16",
    "172.16.0.0/16", "16.6", "db.r7g.large", "per_az", "Cost Center", "a:b/c=d+e-f@g",
    "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1",
]  # fmt: skip
PLAUSIBLE = st.sampled_from(PLAUSIBLE_VALUES)
VALUES = st.one_of(HOSTILE, PLAUSIBLE, PLAUSIBLE)


def leaf_paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(node, dict):
        return [p for key, value in node.items() for p in leaf_paths(value, (*path, key))] + [path]
    if isinstance(node, list):
        return [p for index, value in enumerate(node) for p in leaf_paths(value, (*path, index))] + [path]
    return [path]


KEYS = ["environment", "tags", "autoscaling", "hosts", "image", "container_port", "priority", "max", "region"]


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    document = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in leaf_paths(document) if p]
        path = draw(st.sampled_from(paths))
        parent = document
        for part in path[:-1]:
            parent = parent[part]
        current = parent[path[-1]]
        same_kind = [v for v in PLAUSIBLE_VALUES if type(v) is type(current)]
        value = draw(st.sampled_from(same_kind)) if same_kind and draw(st.booleans()) else draw(VALUES)
        if isinstance(current, dict) and draw(st.booleans()):
            parent[path[-1]][draw(st.sampled_from([*KEYS, "DB_HOST", "x y"]))] = value  # a new key, maybe hostile
        else:
            parent[path[-1]] = value
    return document


def aws_accepts(spec: TenantsFile) -> list[str]:
    """What AWS would refuse of an accepted spec, by AWS's documented rules for the values saasctl sends."""
    wrong = []
    p = spec.platform
    if p.region not in catalog.load_regions().regions:
        wrong.append(f"region {p.region}")
    vpc = ipaddress.IPv4Network(p.network.vpc_cidr)
    if not any(vpc.subnet_of(ipaddress.IPv4Network(b)) for b in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")):
        wrong.append(f"vpc {vpc}")
    tags_ok = re.compile(r"[\w .:/=+\-@]*")
    for tenant in spec.tenants:
        t = resolve(tenant, spec)
        names = naming.TenantNames(p.project, p.environment, p.region, t.name)
        for value, rule in (
            (names.bucket, limits.S3_BUCKET),
            (names.target_group(t.container_port), limits.TARGET_GROUP),
            (names.execution_role, limits.IAM_ROLE),
            (names.log_group, limits.LOG_GROUP),
            (names.secret, limits.SECRET),
            (names.ecs_service, limits.ECS_NAME),
        ):
            if len(value) > rule.max_length or not re.fullmatch(rule.pattern, value):
                wrong.append(f"{rule.kind} {value}")
        if not (1 <= t.container_port <= 65535 and 1 <= t.priority <= 50000 and t.autoscaling.max <= 5000):
            wrong.append(f"numbers of {t.name}")
        if t.memory not in limits.FARGATE_CPU_MEMORY.get(t.cpu, ()):
            wrong.append(f"size {t.cpu}/{t.memory}")
        if len(t.image) > 255 or not re.fullmatch(r"[A-Za-z0-9\-_:./#@]+", t.image):
            wrong.append(f"image {t.image!r}")
        if not t.health_check_path.startswith("/") or len(t.health_check_path) > 1024:
            wrong.append("health check path")
        if set(t.environment) & set(naming.INJECTED_ENVIRONMENT):
            wrong.append("environment names saasctl injects")
        for key, value in t.tags.items():
            if not (tags_ok.fullmatch(key) and tags_ok.fullmatch(value)) or key.lower().startswith("aws:"):
                wrong.append(f"tag {key!r}")
    return wrong


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_every_mutation_is_refused_at_a_line_or_valid_for_aws(document: dict[str, Any]) -> None:
    raw = yaml.safe_dump(document, allow_unicode=True).encode()
    try:
        loaded = load_bytes(raw, "t.yaml")
    except SpecError as exc:
        assert exc.exit_code == EXIT_INVALID
        assert exc.issues and all(issue.message for issue in exc.issues)
        assert all(issue.line is not None for issue in exc.issues if issue.path), [str(i) for i in exc.issues]
        return
    findings = offline.check(loaded.spec, catalog.load(loaded.spec.platform.region))
    if any(f.severity is Severity.ERROR for f in findings):
        return  # refused by preflight --offline (exit 2), each finding at its field
    assert aws_accepts(loaded.spec) == []
