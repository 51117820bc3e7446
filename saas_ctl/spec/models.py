"""The tenants.yaml contract as pydantic models: the single source of truth for the spec.

Field-level rules live on the fields (a value that is wrong on its own). Rules that relate several values
(unique names, cpu with memory, a tenant's settings after its defaults are applied) live in
``saas_ctl.spec.rules``, so that every problem in a file is reported at once.
"""

from __future__ import annotations

import ipaddress
import re
import types
from collections.abc import Callable
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from infra import aws_limits as limits
from infra.naming import INJECTED_ENVIRONMENT

_LABEL = r"[a-z][a-z0-9-]*[a-z0-9]|[a-z]"
_NAME_RE = re.compile(rf"(?:{_LABEL})")
_HOST_LABEL_RE = re.compile(r"[A-Za-z0-9*?](?:[A-Za-z0-9*?_-]{0,61}[A-Za-z0-9*?])?")
# ALB HostHeaderConditionConfig (ELB API Reference): "You can include only alphabetical characters after the final
# '.' character": no digits, hyphens or wildcards in the last label.
_TLD_RE = re.compile(r"[A-Za-z]+")
# Patterns for what AWS reads say [0-9], never \d: Python's \d also matches other scripts' digits (U+0661...).
_REGION_RE = re.compile(r"[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-[0-9]")
_ENV_VAR_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ACM_ARN_RE = re.compile(
    rf"arn:(?P<partition>aws[a-z-]*):acm:(?P<region>[a-z0-9-]+):{limits.ACCOUNT_ID}:certificate/[A-Za-z0-9-]+"
)
_INSTANCE_CLASS_RE = re.compile(r"db\.(?:serverless|[a-z0-9]+\.[a-z0-9]+)")


def _label(kind: str, max_length: int) -> AfterValidator:
    def check(value: str) -> str:
        if not _NAME_RE.fullmatch(value):
            raise ValueError(
                f"{kind} must be lowercase letters, digits and hyphens, start with a letter and not end with a hyphen"
            )
        if len(value) > max_length:
            raise ValueError(f"{kind} is {len(value)} characters; at most {max_length} are allowed")
        return value

    return AfterValidator(check)


def check_host(value: str) -> str:
    """A host header value the ALB accepts: DNS labels (with * and ? wildcards), an alphabetic last label."""
    if len(value) > limits.HOST_HEADER_MAX_LENGTH:
        raise ValueError(f"a host is at most {limits.HOST_HEADER_MAX_LENGTH} characters; this one has {len(value)}")
    labels = value.split(".")
    if len(labels) < 2 or not all(_HOST_LABEL_RE.fullmatch(label) for label in labels):
        raise ValueError(
            "a host must be a DNS name like app.example.com: dot-separated labels of letters, digits, "
            "hyphens (and * or ? wildcards), at least one dot"
        )
    if not _TLD_RE.fullmatch(labels[-1]):
        raise ValueError("the last label of a host must be letters only, without wildcards (for example .com)")
    return value


def _check_retention(value: int) -> int:
    if value not in limits.LOG_RETENTION_DAYS:
        allowed = ", ".join(str(days) for days in limits.LOG_RETENTION_DAYS)
        raise ValueError(f"CloudWatch Logs accepts only these retention periods (days): {allowed}")
    return value


def _check_engine_version(value: Any) -> Any:
    # YAML reads an unquoted 15.10 as the number 15.1: refuse numbers instead of deploying the wrong version.
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError(
            'must be a quoted string such as "15.8": unquoted, YAML reads a version as a number (15.10 becomes 15.1)'
        )
    return value


_RFC1918 = tuple(ipaddress.IPv4Network(block) for block in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))


def _in_rfc1918(network: ipaddress.IPv4Network) -> bool:
    # Python calls loopback, link-local and documentation blocks "private" too; a VPC can use none of them.
    return any(network.subnet_of(block) for block in _RFC1918)


def _check_cidr(value: str) -> str:
    try:
        network = ipaddress.IPv4Network(value, strict=True)
    except ValueError as exc:
        raise ValueError(f"not a valid IPv4 network block ({exc})") from None
    if not network.is_private or network.is_loopback or network.is_link_local or not _in_rfc1918(network):
        raise ValueError("the VPC block must be private (RFC 1918: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)")
    if not limits.VPC_PREFIX_MIN <= network.prefixlen <= limits.VPC_PREFIX_MAX_SPEC:
        raise ValueError(f"the VPC prefix must be between /{limits.VPC_PREFIX_MIN} and /{limits.VPC_PREFIX_MAX_SPEC}")
    return value


def _check_tags(tags: dict[str, str]) -> dict[str, str]:
    spellings: dict[str, str] = {}
    for key, value in tags.items():
        if not key:
            raise ValueError("a tag key cannot be empty")
        if key.lower().startswith("aws:"):
            raise ValueError(f"tag key {key!r}: the aws: prefix is reserved by AWS")
        if limits.TAG_KEY_FORBIDDEN in key:
            raise ValueError(
                f"tag key {_short(key)}: '=' cannot be part of a tag key here (AWS allows it, but saasctl hands tags "
                "to Pulumi as key=value config pairs, which split at the first '='); use letters, digits, spaces "
                "and _ . : / + - @"
            )
        other = spellings.setdefault(key.lower(), key)
        if other != key:
            raise ValueError(f"tag keys {other!r} and {key!r} {_CASE_DUPLICATE}")
        for what, text in (("key", key), ("value", value)):
            if not re.fullmatch(limits.TAG_CHARACTERS, text):
                raise ValueError(
                    f"tag {what} {_short(text)}: AWS allows only letters, digits, spaces and _ . : / = + - @ in tags"
                )
        if len(key) > limits.TAG_KEY_MAX_LENGTH:
            raise ValueError(f"tag key {key[:20]!r}... is {len(key)} characters; at most {limits.TAG_KEY_MAX_LENGTH}")
        if len(value) > limits.TAG_VALUE_MAX_LENGTH:
            raise ValueError(
                f"tag {key!r}: the value is {len(value)} characters; at most {limits.TAG_VALUE_MAX_LENGTH}"
            )
    return tags


# IAM User Guide, "Rules for tagging in IAM and AWS STS": tag keys of IAM roles are not case-sensitive, and a
# CreateRole whose tags repeat a key in another case fails with "Duplicate tag keys found". saasctl puts the same
# tags on every resource it creates, the IAM roles included.
_CASE_DUPLICATE = (
    "differ only in case; IAM tag keys ignore case, so a role tagged with both is refused "
    "('Duplicate tag keys found'): keep one spelling"
)


def _short(text: str, length: int = 40) -> str:
    return repr(text) if len(text) <= length else repr(text[:length]) + f"... ({len(text)} characters)"


def _check_image(value: str) -> str:
    if len(value) > limits.IMAGE_MAX_LENGTH:
        raise ValueError(
            f"an image reference is at most {limits.IMAGE_MAX_LENGTH} characters; this one has {len(value)}"
        )
    if not re.fullmatch(limits.IMAGE_CHARACTERS, value):
        raise ValueError(
            "an image reference may contain only letters, digits and - _ : . / # @ (no spaces), "
            "e.g. public.ecr.aws/nginx/nginx:stable"
        )
    return value


def _check_health_check_path(value: str) -> str:
    if not value.startswith("/"):
        raise ValueError("must start with /")
    if len(value) > limits.HEALTH_CHECK_PATH_MAX_LENGTH:
        raise ValueError(f"at most {limits.HEALTH_CHECK_PATH_MAX_LENGTH} characters; this one has {len(value)}")
    if not re.fullmatch(limits.HEALTH_CHECK_PATH_CHARACTERS, value):
        raise ValueError(f"an ALB health check path may contain only {limits.HEALTH_CHECK_PATH_DESCRIPTION}")
    return value


def _check_environment(env: dict[str, str]) -> dict[str, str]:
    for key in env:
        if not _ENV_VAR_RE.fullmatch(key):
            raise ValueError(
                f"{key!r} is not a valid environment variable name (letters, digits, _; not a digit first)"
            )
        if key in INJECTED_ENVIRONMENT:
            raise ValueError(
                f"{key} is set by saasctl in every tenant container ({', '.join(INJECTED_ENVIRONMENT)}); "
                "choose another name"
            )
    return env


def _check_acm_arn(value: str | None) -> str | None:
    if value is None:
        return value
    match = _ACM_ARN_RE.fullmatch(value)
    if match is None:
        raise ValueError("must be an ACM certificate ARN: arn:aws:acm:<region>:<account>:certificate/<id>")
    # An ARN's partition is its Region's (ARN format, AWS General Reference "Amazon Resource Names"): GovCloud
    # ARNs begin arn:aws-us-gov:, China ARNs arn:aws-cn:; ELB refuses a certificate ARN that names another.
    partition = limits.partition_of(match["region"]).name
    if match["partition"] != partition:
        raise ValueError(
            f"the ARN names partition {match['partition']!r}, but {match['region']} is in partition {partition}: "
            f"arn:{partition}:acm:{match['region']}:<account>:certificate/<id>"
        )
    return value


# DBClusterSnapshotIdentifier (RDS API, RestoreDBClusterFromSnapshot "SnapshotIdentifier": "The identifier for the DB
# snapshot or DB cluster snapshot to restore from. You can use either the name or the Amazon Resource Name (ARN) to
# specify a DB cluster snapshot"; identifiers: 1-255 letters, digits and hyphens, a letter first, no two hyphens in a
# row, no hyphen last). An ARN names a snapshot shared from another account.
_SNAPSHOT_ID = r"[A-Za-z](?:-?[A-Za-z0-9])*"
_SNAPSHOT_RE = re.compile(
    rf"(?:arn:(?P<partition>aws[a-z-]*):rds:(?P<region>[a-z0-9-]+):{limits.ACCOUNT_ID}:cluster-snapshot:)?"
    rf"(?P<id>{_SNAPSHOT_ID}|rds:{_SNAPSHOT_ID})"
)


def _check_snapshot(value: str | None) -> str | None:
    if value is None:
        return value
    match = _SNAPSHOT_RE.fullmatch(value)
    if match is None or len(match["id"]) > 255:
        raise ValueError(
            "must be a DB cluster snapshot identifier (letters, digits and single hyphens, a letter first; an "
            "automated one starts with rds:) or its ARN: arn:aws:rds:<region>:<account>:cluster-snapshot:<id>"
        )
    return value


def _check_instance_class(value: str) -> str:
    if not _INSTANCE_CLASS_RE.fullmatch(value):
        raise ValueError("must be an RDS instance class like db.r6g.large or db.serverless")
    return value


def _check_region(value: str) -> str:
    if not _REGION_RE.fullmatch(value):
        raise ValueError("must be an AWS region code like us-east-1 or eu-west-1")
    return value


ProjectName = Annotated[str, _label("the project", 20)]
EnvironmentName = Annotated[str, _label("the environment", 16)]
TenantName = Annotated[str, _label("a tenant name", limits.DNS_LABEL_MAX)]
Host = Annotated[str, AfterValidator(check_host)]
Port = Annotated[int, Field(ge=1, le=65535)]
Cpu = Annotated[
    int, Field(gt=0, description="Fargate task cpu units: " + ", ".join(map(str, limits.FARGATE_CPU_MEMORY)))
]
Memory = Annotated[int, Field(gt=0, description="Fargate task memory in MiB (valid values depend on cpu)")]
Priority = Annotated[int, Field(ge=limits.ALB_PRIORITY_MIN, le=limits.ALB_PRIORITY_MAX)]
Tags = Annotated[dict[str, str], AfterValidator(_check_tags)]
EnvVars = Annotated[dict[str, str], AfterValidator(_check_environment)]
Image = Annotated[str, AfterValidator(_check_image)]
HealthCheckPath = Annotated[str, AfterValidator(_check_health_check_path)]
TaskCount = Annotated[int, Field(ge=1)]  # a service's tasks: desired, autoscaling's least and greatest


def _takes_int(annotation: Any) -> bool:
    """An int field (``int``, ``Annotated[int, ...]``, ``int | None``)."""
    if annotation is int:
        return True
    origin = get_origin(annotation)
    if origin is Annotated:
        return _takes_int(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        return any(_takes_int(arg) for arg in get_args(annotation))
    return False


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("*", mode="before")
    @classmethod
    def _no_booleans_for_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        # Pydantic would read YAML's true as 1: a count, port or priority written as a boolean is a mistake.
        if value is not True and value is not False:
            return value  # the common case, answered before looking at the field (this runs for every value)
        field = cls.model_fields.get(info.field_name or "")
        if field is not None and _takes_int(field.annotation):
            raise ValueError(f"must be a whole number, not {str(value).lower()}")
        return value


DEFAULT_MAX_ZONES = 4
MAX_ZONES = 6  # the zones a platform may span (availability_zones) and its subnets be carved for (max_zones)


class Network(_Model):
    vpc_cidr: Annotated[str, AfterValidator(_check_cidr)] = "10.0.0.0/16"
    availability_zones: Annotated[int, Field(ge=2, le=MAX_ZONES)] = 2
    max_zones: int = Field(
        default=DEFAULT_MAX_ZONES,
        ge=2,
        le=MAX_ZONES,
        description=(
            "The zones the VPC's subnets are carved for (a public and a private slot per zone, zone i always in slot "
            "i), so that raising availability_zones up to it on a deployed platform only adds subnets. At least "
            "availability_zones; when not written, 4 or availability_zones if that is more. Fixed once deployed."
        ),
    )
    nat_gateways: Literal["single", "per_az", "none"] = "single"

    @model_validator(mode="before")
    @classmethod
    def _max_zones_follows_zones(cls, data: Any) -> Any:
        # Unwritten, max_zones is 4, or the zone count when that is more: a file written before max_zones existed
        # with 5 or 6 zones stays valid.
        if isinstance(data, dict) and "max_zones" not in data:
            zones = data.get("availability_zones")
            if isinstance(zones, int) and not isinstance(zones, bool) and DEFAULT_MAX_ZONES < zones <= MAX_ZONES:
                return {**data, "max_zones": zones}
        return data


class Database(_Model):
    engine_version: Annotated[str, BeforeValidator(_check_engine_version)] = Field(
        description='Aurora PostgreSQL version, quoted, e.g. "15.8". Checked by `saasctl preflight`.'
    )
    instance_class: Annotated[str, AfterValidator(_check_instance_class)] = "db.r6g.large"
    instances: Annotated[int, Field(ge=1, le=limits.AURORA_MAX_INSTANCES)] = 2
    backup_retention_days: Annotated[
        int, Field(ge=limits.AURORA_BACKUP_RETENTION_MIN, le=limits.AURORA_BACKUP_RETENTION_MAX)
    ] = 7
    deletion_protection: bool = True
    connections_per_task: Annotated[int, Field(ge=1)] | None = Field(
        None,
        description=(
            "The database connections each tenant task may hold (its pool size). When set, preflight checks that "
            "every tenant at its autoscaling maximum fits the writer's max_connections."
        ),
    )
    restore_from: Annotated[str | None, AfterValidator(_check_snapshot)] = Field(
        None,
        description=(
            "A DB cluster snapshot (identifier, or ARN for one shared from another account) the cluster is created "
            "from, e.g. the final snapshot of a destroyed platform: its tenant databases come back with it. Read only "
            "when the cluster is created; a later change or removal does nothing."
        ),
    )


# saasctl's bound on an environment's cells (each is one ALB): 1,000 cells hold 100,000 tenants, where the
# region's ALB quota starts at 50 (preflight checks the account's). It keeps a mistyped cell number from
# asking for a billion load balancers (found by tests/spec/test_fuzz.py: the spec's cells are built per number).
MAX_CELLS = 1000
Cell = Annotated[int, Field(ge=1, le=MAX_CELLS)]


class LoadBalancer(_Model):
    """The environment's load balancers: one per cell, each serving the tenants assigned to it."""

    certificate_arn: Annotated[str | None, AfterValidator(_check_acm_arn)] = Field(
        None, description="When set: an HTTPS listener serves tenants and HTTP redirects to it."
    )
    tenants_per_cell: Annotated[int, Field(ge=1, le=limits.ALB_TARGET_GROUPS_PER_LOAD_BALANCER)] = Field(
        default=limits.DEFAULT_TENANTS_PER_CELL,
        description=(
            "How many tenants `saasctl tenant add` puts in one cell (ALB) before it opens another. An ALB "
            f"holds at most {limits.ALB_TARGET_GROUPS_PER_LOAD_BALANCER} target groups; the default leaves room "
            "for port changes and cell moves in flight."
        ),
    )
    cells: Cell = Field(
        default=1,
        description="Cells to run at least (each is one ALB); more are added as tenants are assigned to them.",
    )


def _quota_description(quota: limits.Quota) -> str:
    return f"{quota.reference}; AWS's default is {quota.default}."


QuotaValue = Annotated[int, Field(ge=0)] | None


class AccountQuotas(_Model):
    """The account's own values of the quotas a fleet meets, where they differ from AWS's defaults."""

    fargate_on_demand_vcpus: QuotaValue = Field(
        default=None, description=_quota_description(limits.FARGATE_ON_DEMAND_VCPUS)
    )
    application_load_balancers: QuotaValue = Field(default=None, description=_quota_description(limits.ALBS_PER_REGION))
    target_groups: QuotaValue = Field(default=None, description=_quota_description(limits.TARGET_GROUPS_PER_REGION))
    services_per_cluster: QuotaValue = Field(default=None, description=_quota_description(limits.SERVICES_PER_CLUSTER))
    network_interfaces: QuotaValue = Field(
        default=None, description=_quota_description(limits.NETWORK_INTERFACES_PER_REGION)
    )
    rules_per_security_group: QuotaValue = Field(
        default=None, description=_quota_description(limits.RULES_PER_SECURITY_GROUP)
    )
    targets_per_load_balancer: QuotaValue = Field(default=None, description=_quota_description(limits.TARGETS_PER_ALB))
    iam_roles: QuotaValue = Field(
        default=None,
        description=_quota_description(limits.IAM_ROLES_PER_ACCOUNT)
        + " Roles are account-wide: every environment of the account counts.",
    )


_ZONE_ID_RE = re.compile(r"[A-Z0-9]{1,32}")


def _optional_check(valid: Callable[[str], object], message: str) -> Callable[[str | None], str | None]:
    """The check of an optional string: None (not written) passes; a value ``valid`` refuses is ``message``."""

    def check(value: str | None) -> str | None:
        if value is not None and not valid(value):
            raise ValueError(message)
        return value

    return check


_check_zone_id = _optional_check(
    _ZONE_ID_RE.fullmatch,
    "a Route 53 hosted zone ID is up to 32 uppercase letters and digits (e.g. Z0123456789ABC), without "
    "the /hostedzone/ prefix",
)


class Dns(_Model):
    """A public Route 53 hosted zone: every tenant's stack then points its hosts at the load balancer."""

    zone_id: Annotated[str | None, AfterValidator(_check_zone_id)] = Field(
        None, description="The hosted zone's ID (Z...). Either this or zone_name."
    )
    zone_name: Host | None = Field(None, description="The hosted zone's domain, e.g. example.com.")
    take_over: bool = Field(
        False,
        description=(
            "Replace A records that already exist at tenant hosts (made by something other than this environment) "
            "with the tenant's alias record, instead of refusing. A CNAME at a host is refused either way."
        ),
    )

    def model_post_init(self, _context: Any) -> None:
        if self.zone_id is None and self.zone_name is None:
            raise ValueError("give the hosted zone as zone_id or zone_name (neither is set)")


# Where stack state may live: Pulumi's self-managed (diy) backends and Pulumi Cloud. A file:// path that is not
# absolute is read from the tenants file's directory (saas_ctl/state/location.py).
BACKEND_SCHEMES = ("file://", "s3://", "gs://", "azblob://", "https://", "http://")
# Pulumi's secrets providers (pulumi/pulumi pkg/secrets/cloud: gocloud.dev keepers) besides its passphrase and
# Pulumi Cloud's own ("default").
SECRETS_PROVIDER_SCHEMES = ("awskms://", "gcpkms://", "azurekeyvault://", "hashivault://")


_check_backend = _optional_check(
    lambda value: value.startswith(BACKEND_SCHEMES),
    "must be a Pulumi backend URL: file://DIR (relative to the tenants file), "
    "s3://BUCKET[/PREFIX][?region=...], gs://, azblob:// or https://api.pulumi.com",
)
_check_secrets_provider = _optional_check(
    lambda value: value in ("passphrase", "default") or value.startswith(SECRETS_PROVIDER_SCHEMES),
    "must be passphrase, default (Pulumi Cloud) or a key URL: awskms://alias/NAME?region=REGION, gcpkms://, "
    "azurekeyvault://, hashivault://",
)


class State(_Model):
    """Where the stacks' state lives and how their secrets are encrypted: what a team shares. --backend and the
    environment (PULUMI_BACKEND_URL, SAASCTL_SECRETS_PROVIDER) override it."""

    backend: Annotated[str | None, AfterValidator(_check_backend)] = Field(
        None,
        description=(
            "The Pulumi state backend: file://DIR (a relative DIR is read from this file's directory), "
            "s3://BUCKET/PREFIX?region=REGION for a team, or https://api.pulumi.com. "
            "Default: file://.saasctl/state beside this file."
        ),
    )
    secrets_provider: Annotated[str | None, AfterValidator(_check_secrets_provider)] = Field(
        None,
        description=(
            "How new stacks encrypt their secrets: passphrase (PULUMI_CONFIG_PASSPHRASE, the default on a "
            "self-managed backend) or awskms://alias/NAME?region=REGION."
        ),
    )


class Platform(_Model):
    project: ProjectName = Field(description="Prefix of every AWS name.")
    environment: EnvironmentName = Field(description="Suffix of every AWS name (dev, staging, prod...).")
    region: Annotated[str, AfterValidator(_check_region)] = "us-east-1"
    domain: Host = Field(description="A tenant's default host is <name>.<domain>.")
    throwaway: bool = Field(
        False, description="A disposable environment: the database is destroyed without a final snapshot."
    )
    network: Network = Network()
    database: Database
    load_balancer: LoadBalancer = LoadBalancer(certificate_arn=None)
    log_retention_days: Annotated[int, AfterValidator(_check_retention)] = 30
    tags: Tags = {}
    dns: Dns | None = Field(None, description="Route 53 alias records for every tenant host (optional).")
    quotas: AccountQuotas = Field(
        default=AccountQuotas(),
        description="Account quotas raised (or lowered) from AWS's defaults, for the offline fleet capacity checks.",
    )
    state: State = Field(
        default=State(backend=None, secrets_provider=None),
        description="Where the stacks' state lives and how their secrets are encrypted.",
    )


class Autoscaling(_Model):
    min: TaskCount = 1
    max: TaskCount = 4
    cpu_target: Annotated[int, Field(ge=1, le=100)] = 60

    def describe(self) -> str:
        """``1-4 @ 60% cpu``: how listings show it."""
        return f"{self.min}-{self.max} @ {self.cpu_target}% cpu"


class AutoscalingOverride(_Model):
    min: TaskCount | None = None
    max: TaskCount | None = None
    cpu_target: Annotated[int, Field(ge=1, le=100)] | None = None


# ALB FixedResponseActionConfig (ELB API Reference): ContentType one of these, MessageBody at most 1024 characters.
FixedResponseContentType = Literal["text/plain", "text/css", "text/html", "application/javascript", "application/json"]
FIXED_RESPONSE_BODY_MAX = 1024
SUSPENDED_BODY = (
    "<!doctype html><title>Service suspended</title>"
    "<h1>This service is suspended</h1><p>Please contact your provider to restore access.</p>"
)


class SuspendedPage(_Model):
    """What a suspended tenant's hosts answer, with HTTP status 503: the ALB's fixed response."""

    content_type: FixedResponseContentType = "text/html"
    body: Annotated[str, Field(max_length=FIXED_RESPONSE_BODY_MAX)] = SUSPENDED_BODY


Retention = Annotated[int, AfterValidator(_check_retention)]


class ServiceSettings(_Model):
    """What every tenant's service runs with unless its tier or the tenant says otherwise."""

    image: Image = "public.ecr.aws/nginx/nginx:stable"
    container_port: Port = 80
    cpu: Cpu = 256
    memory: Memory = 512
    desired_count: TaskCount = 1
    autoscaling: Autoscaling = Autoscaling()
    health_check_path: HealthCheckPath = "/"
    environment: EnvVars = {}
    log_retention_days: Retention | None = Field(
        default=None, description="Days the tenant's logs are kept; default: the platform's."
    )
    suspended_page: SuspendedPage = Field(
        default=SuspendedPage(), description="What a suspended tenant's hosts answer (HTTP 503), body and content type."
    )


class Tier(_Model):
    """A plan the business sells: a named preset of any tenant setting, between ``defaults`` and the tenant's own."""

    image: Image | None = None
    container_port: Port | None = None
    cpu: Cpu | None = None
    memory: Memory | None = None
    desired_count: TaskCount | None = None
    autoscaling: AutoscalingOverride | None = None
    health_check_path: HealthCheckPath | None = None
    environment: EnvVars = {}
    log_retention_days: Retention | None = None
    suspended_page: SuspendedPage | None = None
    tags: Tags = {}


TierName = Annotated[str, _label("a tier name", 63)]


class Tenant(_Model):
    """One customer. Any setting left out comes from ``defaults``."""

    name: TenantName
    hosts: Annotated[list[Host], Field(min_length=1, max_length=limits.ALB_CONDITION_VALUES_PER_RULE)] | None = Field(
        None, description="Host names routed to this tenant; default <name>.<domain>."
    )
    priority: Priority | None = Field(
        None,
        description="ALB listener rule priority, unique in its cell; `saasctl tenant add` assigns one, then it stays.",
    )
    cell: Cell | None = Field(
        None,
        description=(
            "The cell (ALB) serving the tenant; `saasctl tenant add` assigns the one with the most room, then it "
            "stays (`saasctl tenant move` changes it). Default 1."
        ),
    )
    image: Image | None = None
    container_port: Port | None = None
    cpu: Cpu | None = None
    memory: Memory | None = None
    desired_count: TaskCount | None = None
    autoscaling: AutoscalingOverride | None = None
    health_check_path: HealthCheckPath | None = None
    environment: EnvVars = {}
    tags: Tags = {}
    tier: TierName | None = Field(None, description="One of `tiers`: its settings apply before the tenant's own.")
    log_retention_days: Retention | None = None
    suspended_page: SuspendedPage | None = None
    suspended: bool = Field(
        False,
        description=(
            "Scaled to zero tasks, its hosts answered with suspended_page (HTTP 503); its bucket, secret, database "
            "and stack are kept. `saasctl tenant suspend` / `tenant resume` set it."
        ),
    )


class TenantsFile(_Model):
    """The whole tenants.yaml: the desired state of one environment."""

    platform: Platform
    defaults: ServiceSettings = ServiceSettings()
    tiers: dict[TierName, Tier] = Field({}, description="Named presets of tenant settings (plans), by name.")
    tenants: list[Tenant] = []


class EffectiveTenant(ServiceSettings):
    """A tenant's settings after its defaults and tier are applied: what its stack is built from."""

    name: str
    hosts: tuple[str, ...]
    priority: int
    cell: int
    tags: dict[str, str]
    log_retention_days: int
    tier: str | None = None
    suspended: bool = False


# Where an effective value came from, by setting (``cpu``, ``autoscaling.max``, ``environment.KEY``).
DEFAULTS, PLATFORM, TIER, TENANT = "defaults", "platform", "tier", "tenant"
_MERGED = {"autoscaling", "environment"}  # merged field by field / key by key, not replaced whole


def tier_of(tenant: Tenant, spec: TenantsFile) -> Tier | None:
    """The tenant's tier; None without one, or when it names no tier of the file (a rule reports that)."""
    return spec.tiers.get(tenant.tier) if tenant.tier else None


def resolve(tenant: Tenant, spec: TenantsFile) -> EffectiveTenant:
    """The tenant's effective settings: ``defaults``, overlaid by its tier's, overlaid by its own values.

    ``environment`` and ``tags`` merge key by key (the tenant's win over its tier's; tags start from the
    platform's);
    ``autoscaling`` merges field by field; every other setting is replaced whole.
    """
    return resolve_with_sources(tenant, spec)[0]


def resolve_with_sources(tenant: Tenant, spec: TenantsFile) -> tuple[EffectiveTenant, dict[str, str]]:
    """:func:`resolve`, and where each service setting came from: ``defaults``, ``tier`` or ``tenant`` (and
    ``platform`` for log retention the file sets only there)."""
    layers: list[tuple[str, BaseModel]] = [(DEFAULTS, spec.defaults)]
    tier = tier_of(tenant, spec)
    if tier is not None:
        layers.append((TIER, tier))
    layers.append((TENANT, tenant))
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    scaling: dict[str, Any] = {}
    environment: dict[str, str] = {}
    for source, layer in layers:
        for key in ServiceSettings.model_fields:
            value = getattr(layer, key)
            if value is None or key in _MERGED:
                continue
            values[key], sources[key] = value, source
        if layer.autoscaling is not None:  # type: ignore[attr-defined]
            for key, value in layer.autoscaling.model_dump(exclude_none=True).items():  # type: ignore[attr-defined]
                scaling[key], sources[f"autoscaling.{key}"] = value, source
        for key, value in layer.environment.items():  # type: ignore[attr-defined]
            environment[key], sources[f"environment.{key}"] = value, source
    if values.get("log_retention_days") is None:
        values["log_retention_days"], sources["log_retention_days"] = spec.platform.log_retention_days, PLATFORM
    effective = EffectiveTenant(
        **values,
        autoscaling=Autoscaling(**scaling),
        environment=environment,
        name=tenant.name,
        hosts=tuple(tenant.hosts) if tenant.hosts else (f"{tenant.name}.{spec.platform.domain}",),
        priority=tenant.priority if tenant.priority is not None else 0,
        cell=tenant.cell or 1,
        tags={**spec.platform.tags, **(tier.tags if tier else {}), **tenant.tags},
        tier=tenant.tier,
        suspended=tenant.suspended,
    )
    return effective, sources
