"""Property: every structured mutation of the bundled tenants.yaml is either refused (exit 2, each problem at a
line of the file) or accepted and valid for AWS — checked here against AWS's own rules for what saasctl
sends, independently of the code that enforces them."""

from __future__ import annotations

import copy
import ipaddress
import json
import re
from pathlib import Path
from typing import Any

import botocore.session
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
from tests.conftest import EXAMPLE, MINIMAL

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
            # the classes of values AWS refused though saasctl accepted them (issue 19)
            "app.example.*",
            "app.example.c0m",
            "ACME.example.com",
            "/health check?x={y}",
            "db.m6g.large",
            "db.r6g.24xlarge",
            "a=b",
            "Project",
            "us-gov-west-1",
            "cn-north-1",
            "arn:aws:acm:us-gov-west-1:123456789012:certificate/abc",
            "arn:aws-cn:acm:us-east-1:123456789012:certificate/abc",
            "arn:aws:acm:us-east-1:" + "".join(chr(0x0660 + int(d)) for d in "123456789012") + ":certificate/abc",
            "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/app:1",
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
KEYS += ["availability_zones", "instance_class", "health_check_path", "certificate_arn", "Plan", "Project", "a=b"]


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
    return wrong + platform_refusals(spec) + fleet_refusals(spec)


# The facts the refusals below rest on, read from their sources: saasctl's dated data files, botocore's partitions.
DATA = Path(catalog.__file__).parent / "data"
ZONES: dict[str, int] = json.loads((DATA / "availability_zones.json").read_text())["zones"]
_CLASSES = json.loads((DATA / "aurora_instance_classes.json").read_text())
_UNVERIFIED = _CLASSES["sizes_unverified"]
AURORA_CLASSES = {f"db.{family}.{size}" for family, sizes in _CLASSES["families"].items() for size in sizes} | {
    f"db.{family}.{size}" for family in _UNVERIFIED["families"] for size in _UNVERIFIED["sizes"]
}
HEALTH_CHECK_PATH = re.compile(r"/[-A-Za-z0-9@:%_+.~#?&/=]*")  # ELB's message, as quoted in apollographql/router#1852
ACM_ARN = re.compile(r"arn:(?P<partition>[a-z-]+):acm:(?P<region>[a-z0-9-]+):[0-9]{12}:certificate/[A-Za-z0-9-]+")
ECR_IMAGE = re.compile(r"[0-9]{12}\.dkr\.ecr\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(\.cn)?/.*")


def partition(region: str) -> str:
    found: str = botocore.session.Session().get_partition_for_region(region)
    return found


def platform_refusals(spec: TenantsFile) -> list[str]:
    p = spec.platform
    wrong = []
    if p.network.availability_zones > ZONES.get(p.region, 6):
        wrong.append(f"{p.network.availability_zones} zones in {p.region}")
    cls = p.database.instance_class
    if cls not in AURORA_CLASSES and cls != "db.serverless" and not re.fullmatch(r"db\.[rx]1[0-9]g\.\w+", cls):
        wrong.append(f"instance class {cls}")
    if p.load_balancer.certificate_arn is not None:
        arn = ACM_ARN.fullmatch(p.load_balancer.certificate_arn)
        if arn is None or arn["partition"] != partition(arn["region"]):
            wrong.append(f"certificate {p.load_balancer.certificate_arn}")
    return wrong


def fleet_refusals(spec: TenantsFile) -> list[str]:
    """Hosts (one record and one rule value each, equal ignoring case), tags as IAM compares them, images of the
    platform's partition, and every derived name once."""
    p = spec.platform
    wrong = []
    hosts: set[str] = set()
    names: set[tuple[str, str]] = set()
    for tenant in spec.tenants:
        t = resolve(tenant, spec)
        for host in t.hosts:
            if host.lower() in hosts or not host.rsplit(".", 1)[-1].isalpha() or not host.isascii():
                wrong.append(f"host {host}")
            hosts.add(host.lower())
        if not HEALTH_CHECK_PATH.fullmatch(t.health_check_path):
            wrong.append(f"health check path {t.health_check_path!r}")
        keys = [*t.tags, *naming.GENERATED_TAG_KEYS]
        if len({key.lower() for key in keys}) != len(keys) or any("=" in key for key in keys):
            wrong.append(f"tag keys of {t.name}: {sorted(t.tags)}")
        image = ECR_IMAGE.fullmatch(t.image)
        if image and partition(image["region"]) != partition(p.region):
            wrong.append(f"image {t.image}")
        derived = naming.TenantNames(p.project, p.environment, p.region, t.name).aws_names(t.container_port, t.cell)
        own = {(name.kind, name.value.lower()) for name in derived}
        if own & names:
            wrong.append(f"a name of {t.name} is another tenant's")
        names |= own
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


# ---- Each class of value AWS refused though saasctl accepted it (issue 19): refused, whatever its spelling --------


def refused(text: str) -> bool:
    """Whether `validate` or offline preflight refuses the file (exit 2)."""
    try:
        loaded = load_bytes(text.encode(), "t.yaml")
    except SpecError:
        return True
    findings = offline.check(loaded.spec, catalog.load(loaded.spec.platform.region))
    return any(f.severity is Severity.ERROR for f in findings)


def recased(text: str) -> st.SearchStrategy[str]:
    """``text`` with any of its letters in the other case (possibly none: an exact repeat)."""
    return st.lists(st.booleans(), min_size=len(text), max_size=len(text)).map(
        lambda flips: "".join(c.swapcase() if flip else c for c, flip in zip(text, flips, strict=True))
    )


LABEL = st.from_regex(r"[a-z][a-z0-9]{0,12}", fullmatch=True)
TAG_KEY = st.from_regex(r"[A-Za-z][A-Za-z0-9_.:/+@ -]{0,20}[A-Za-z0-9]", fullmatch=True)


def with_tenant(line: str) -> str:
    return MINIMAL + line


def with_platform(line: str) -> str:
    return MINIMAL.replace("  database:", f"  {line}\n  database:")


@given(LABEL, st.data())
def test_a_host_repeated_by_one_tenant_in_any_case_is_refused(label: str, data: st.DataObject) -> None:
    host = f"{label}.example.com"
    assert refused(with_tenant(f"    hosts: ['{host}', '{data.draw(recased(host))}']\n"))


@given(LABEL, st.from_regex(r"[a-z]{0,3}[0-9*?][a-z0-9]{0,3}", fullmatch=True))
def test_a_host_whose_last_label_is_not_letters_is_refused(label: str, last: str) -> None:
    assert refused(with_tenant(f"    hosts: ['{label}.example.{last}']\n"))


@given(TAG_KEY, st.data())
def test_a_tenant_tag_key_equal_ignoring_case_to_a_platform_or_saasctl_key_is_refused(
    key: str, data: st.DataObject
) -> None:
    base = data.draw(st.sampled_from([key, *naming.GENERATED_TAG_KEYS]))
    spelled = data.draw(recased(base).filter(lambda k: k != base))
    assert refused(with_platform(f"tags: {{'{base}': x}}") + f"    tags: {{'{spelled}': y}}\n")


@given(TAG_KEY, TAG_KEY)
def test_an_equals_sign_in_a_tag_key_is_refused(left: str, right: str) -> None:
    assert refused(with_tenant(f"    tags: {{'{left}={right}': v}}\n"))


@given(st.text(st.characters(codec="utf-8", exclude_characters="\n\r"), max_size=30), st.data())
def test_a_health_check_path_with_a_character_elb_refuses_is_refused(tail: str, data: st.DataObject) -> None:
    bad = data.draw(st.characters(codec="utf-8").filter(lambda c: not HEALTH_CHECK_PATH.fullmatch("/" + c)))
    path = "/" + tail + bad
    assert refused(with_tenant(f"    health_check_path: {json.dumps(path)}\n"))


@given(st.text(st.characters(categories=["Nd"]).filter(lambda c: not c.isascii()), min_size=1, max_size=12))
def test_other_scripts_digits_in_a_certificate_arn_are_refused(digits: str) -> None:
    account = (digits + "123456789012")[:12]
    arn = f"arn:aws:acm:us-east-1:{account}:certificate/abc"
    assert refused(with_platform(f"load_balancer: {{certificate_arn: '{arn}'}}"))


@given(st.sampled_from(["us-east-1", "eu-west-1", "us-gov-west-1", "us-gov-east-1", "cn-north-1", "cn-northwest-1"]))
def test_a_certificate_arn_of_another_partition_than_its_region_is_refused(region: str) -> None:
    for wrong in {"aws", "aws-cn", "aws-us-gov"} - {partition(region)}:
        arn = f"arn:{wrong}:acm:{region}:123456789012:certificate/abc"
        text = with_platform(f"load_balancer: {{certificate_arn: '{arn}'}}").replace("us-east-1", region, 1)
        assert refused(text), arn


@given(st.sampled_from(sorted(r for r, count in ZONES.items() if count < 6)), st.data())
def test_more_availability_zones_than_the_region_has_are_refused(region: str, data: st.DataObject) -> None:
    zones = data.draw(st.integers(ZONES[region] + 1, 6))
    text = with_platform(f"network: {{availability_zones: {zones}}}").replace("us-east-1", region, 1)
    assert refused(text)


RDS_ONLY_FAMILIES = ["m5", "m5d", "m6g", "m6gd", "m6i", "m6id", "m7g", "m7i", "m8g", "r5b", "r5d", "x1e", "z1d"]


@given(st.sampled_from(RDS_ONLY_FAMILIES), st.sampled_from(["large", "xlarge", "2xlarge", "4xlarge", "8xlarge"]))
def test_an_rds_class_aurora_postgresql_does_not_offer_is_refused(family: str, size: str) -> None:
    assert refused(MINIMAL.replace('"15.8"', f'"15.8"\n    instance_class: db.{family}.{size}'))
