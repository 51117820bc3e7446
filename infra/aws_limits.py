"""AWS limits that saasctl relies on: the one table that naming, validation and preflight all read.

Every number here is an AWS constraint with its source in ``shared/aws-constraints.md``. Keep this module
free of imports beyond the standard library: the CLI reads it on every start.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class NameRule:
    """The length limit and the character rule of one kind of AWS name."""

    kind: str
    max_length: int
    pattern: str
    description: str


# Names. Patterns are anchored full matches.
S3_BUCKET: Final = NameRule(
    "S3 bucket name",
    63,
    r"(?!xn--|sthree-|amzn-s3-demo-)(?!.*\.\.)(?![0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]"
    r"(?<!-s3alias)(?<!--ol-s3)(?<!\.mrap)(?<!--x-s3)",
    "3-63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit, "
    "not starting with xn--, sthree- or amzn-s3-demo-, not ending with -s3alias, --ol-s3, .mrap or --x-s3",
)
LOAD_BALANCER: Final = NameRule(
    "load balancer name",
    32,
    r"(?!internal-)[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?",
    "1-32 letters, digits and hyphens, not starting or ending with a hyphen, not starting with 'internal-'",
)
TARGET_GROUP: Final = NameRule(
    "target group name",
    32,
    r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?",
    "1-32 letters, digits and hyphens, not starting or ending with a hyphen",
)
# IAM CreateRole RoleName: [\w+=,.@-]+ in AWS's pattern, where \w means ASCII letters, digits and _ (Python's \w
# would also take other scripts' letters and digits).
IAM_ROLE: Final = NameRule("IAM role name", 64, r"[A-Za-z0-9_+=,.@-]{1,64}", "1-64 letters, digits and +=,.@_-")
LOG_GROUP: Final = NameRule(
    "CloudWatch log group name",
    512,
    r"(?!aws/)[A-Za-z0-9_\-/.#]{1,512}",
    "1-512 characters from a-z A-Z 0-9 _ - / . #, not starting with aws/",
)
SECRET: Final = NameRule(
    "Secrets Manager secret name",
    512,
    r"[A-Za-z0-9/_+=.@-]{1,512}",
    "1-512 letters, digits and /_+=.@-",
)
RDS_IDENTIFIER: Final = NameRule(
    "RDS identifier",
    63,
    r"[a-zA-Z](?!.*--)[a-zA-Z0-9-]{0,62}(?<!-)",
    "1-63 letters, digits and hyphens, starting with a letter, no '--', not ending with a hyphen",
)
ECS_NAME: Final = NameRule("ECS name", 255, r"[A-Za-z0-9_-]{1,255}", "1-255 letters, digits, hyphens and underscores")
# EC2 CreateSecurityGroup (VPC): GroupName and Description, up to 255 characters of a-z A-Z 0-9, spaces and
# ._-:/()#,@[]+=&;{}!$* (no apostrophe); a name may not start with sg-.
SECURITY_GROUP_CHARACTERS: Final = r"[A-Za-z0-9 ._\-:/()#,@\[\]+=&;{}!$*]{1,255}"
SECURITY_GROUP: Final = NameRule(
    "security group name",
    255,
    r"(?!sg-)" + SECURITY_GROUP_CHARACTERS,
    "1-255 letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*, not starting with sg-",
)
DNS_LABEL_MAX: Final = 63

POSTGRES_IDENTIFIER_MAX: Final = 63  # role and database names
# PostgreSQL "Identifiers and Key Words" (SQL syntax, 4.1.1): an unquoted identifier is a letter or underscore,
# then letters, digits and underscores, at most NAMEDATALEN-1 = 63 bytes; saasctl's roles use lowercase ASCII.
POSTGRES_ROLE: Final = NameRule(
    "PostgreSQL role name",
    POSTGRES_IDENTIFIER_MAX,
    r"[a-z_][a-z0-9_]{0,62}",
    "1-63 lowercase letters, digits and underscores, not starting with a digit",
)

# A secret name ending in '-' and six characters makes partial-ARN lookups ambiguous (Secrets Manager
# appends '-XXXXXX' to every ARN).
SECRET_SUFFIX_TRAP: Final = r"-[A-Za-z0-9]{6}$"


# Partitions. An ARN names its partition (arn:<partition>:...), which must be the partition of the Region its
# resource lives in: IAM refuses a policy whose Resource names another partition ("Partition ... is not valid
# for resource"), and an ALB cannot use another partition's certificate. The Region prefixes and DNS suffixes are
# botocore's own table (botocore/data/partitions.json, "regionRegex" and "dnsSuffix", botocore 1.44).
@dataclass(frozen=True)
class Partition:
    name: str
    region_prefix: str
    dns_suffix: str
    # Where Service Quotas keeps global quotas (the sources at Quota.global_quota); None: not documented, so the
    # fleet's own Region is asked, and a NoSuchResourceException falls back as for any quota.
    global_quota_region: str | None = None


COMMERCIAL_PARTITION: Final = Partition("aws", "", "amazonaws.com", global_quota_region="us-east-1")
PARTITIONS: Final = (
    Partition("aws-us-gov", "us-gov-", "amazonaws.com", global_quota_region="us-gov-west-1"),
    Partition("aws-cn", "cn-", "amazonaws.com.cn"),
    Partition("aws-iso", "us-iso-", "c2s.ic.gov"),
    Partition("aws-iso-b", "us-isob-", "sc2s.sgov.gov"),
    Partition("aws-iso-e", "eu-isoe-", "cloud.adc-e.uk"),
    Partition("aws-iso-f", "us-isof-", "csp.hci.ic.gov"),
    Partition("aws-eusc", "eusc-", "amazonaws.eu"),
)


def partition_of(region: str) -> Partition:
    """The partition a Region belongs to: ``us-gov-west-1`` -> aws-us-gov, ``cn-north-1`` -> aws-cn."""
    return next((p for p in PARTITIONS if region.startswith(p.region_prefix)), COMMERCIAL_PARTITION)


# A 12-digit account ID in an ARN: ASCII digits only (a pattern's \d would also take other scripts' digits,
# which AWS never reads as an account).
ACCOUNT_ID: Final = r"[0-9]{12}"

# Elastic Load Balancing (per ALB unless stated).
ALB_RULES_PER_LOAD_BALANCER: Final = 100  # default rules not counted; adjustable
ALB_TARGET_GROUPS_PER_LOAD_BALANCER: Final = 100  # not adjustable
ALB_CONDITION_VALUES_PER_RULE: Final = 5
ALB_CONDITION_WILDCARDS_PER_RULE: Final = 5
# saasctl's default room per cell: below both per-ALB quotas, leaving target groups free for the
# create-before-delete of port changes and cell moves in flight.
DEFAULT_TENANTS_PER_CELL: Final = 90
ALB_PRIORITY_MIN: Final = 1
ALB_PRIORITY_MAX: Final = 50_000
HOST_HEADER_MAX_LENGTH: Final = 128

# ECS Fargate (Linux): task cpu units -> the memory values (MiB) AWS accepts for it.
FARGATE_CPU_MEMORY: Final[dict[int, tuple[int, ...]]] = {
    256: (512, 1024, 2048),
    512: (1024, 2048, 3072, 4096),
    1024: tuple(range(2048, 8192 + 1, 1024)),
    2048: tuple(range(4096, 16384 + 1, 1024)),
    4096: tuple(range(8192, 30720 + 1, 1024)),
    8192: tuple(range(16384, 61440 + 1, 4096)),
    16384: tuple(range(32768, 122880 + 1, 8192)),
}

# CloudWatch Logs PutRetentionPolicy accepts exactly these values.
LOG_RETENTION_DAYS: Final = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)

# Aurora.
AURORA_BACKUP_RETENTION_MIN: Final = 1
AURORA_BACKUP_RETENTION_MAX: Final = 35
AURORA_MAX_INSTANCES: Final = 16  # one writer and up to 15 readers
# The RDS Data API on provisioned Aurora PostgreSQL clusters: the first version of each major that has it
# (Aurora User Guide, "Supported Regions and Aurora DB engines for RDS Data API", the same in every Region
# listed), and the instance classes it never runs on (Data API limitations: "not supported on T DB instance
# classes").
DATA_API_MIN_VERSION: Final = {"13": "13.11", "14": "14.8", "15": "15.3", "16": "16.1", "17": "17.4", "18": "18.3"}
DATA_API_UNSUPPORTED_CLASS_PREFIX: Final = "db.t"

# VPC.
VPC_PREFIX_MIN: Final = 16
VPC_PREFIX_MAX_SPEC: Final = 24  # saasctl's own bound: a /24 is the smallest VPC that fits subnets for 2+ AZs
# An ALB's subnets need at least a /27 with 8 free addresses; saasctl carves every subnet at least this big.
ALB_SUBNET_PREFIX_MAX: Final = 27
DEFAULT_ELASTIC_IPS_PER_REGION: Final = 5
DEFAULT_VPCS_PER_REGION: Final = 5

# Tags (user tags per resource; aws: tags do not count and cannot be set).
TAGS_PER_RESOURCE: Final = 50
# Characters AWS accepts in tag keys and values (letters, spaces, digits and _ . : / = + - @, in any
# script): Tagging API, "Tag" data type. Anything else (quotes, brackets...) would also be unsafe in the
# Pulumi config paths saasctl writes tags to (aws:defaultTags.tags["<key>"]).
TAG_CHARACTERS: Final = r"[\w .:/=+\-@]*"
# A tag key may not hold '=' here, though AWS allows it: saasctl sets the default tags as stack config with
# `pulumi config set-all --path --plaintext 'aws:defaultTags.tags["<key>"]=<value>'`, and the CLI splits each pair
# at its first '=' (pulumi/pulumi pkg/cmd/pulumi/config/io.go, parseKeyValuePair: strings.SplitN(pair, "=", 2)),
# so a key with '=' would set another key to another value. Values may hold '=': the split is before them.
TAG_KEY_FORBIDDEN: Final = "="
# ECS ContainerDefinition.image: up to 255 letters, digits, hyphens, underscores, colons, periods, forward
# slashes and number signs (and @ for a digest).
IMAGE_MAX_LENGTH: Final = 255
IMAGE_CHARACTERS: Final = r"[A-Za-z0-9\-_:./#@]+"
# ECS: a service runs at most this many tasks (the default "Tasks per service" quota, adjustable); a task
# definition is at most 64 KiB, of which the container environment may take this much here (the rest is
# left for the image, secrets, port mappings and log configuration).
TASKS_PER_SERVICE_MAX: Final = 5000
TASK_ENVIRONMENT_MAX_BYTES: Final = 56 * 1024
# ALB target group HealthCheckPath: 1-1024 characters (CreateTargetGroup, ELB API Reference), starting with / and
# made of the characters ELB names when it refuses one: "Health check must begin with a '/' and can only consist
# of the characters: a-z, A-Z, 0-9, and @:%_+.~#?&/=" (as quoted in apollographql/router#1852), and '-'. Anything
# else (spaces, braces, quotes, non-ASCII) must be percent-encoded.
HEALTH_CHECK_PATH_MAX_LENGTH: Final = 1024
HEALTH_CHECK_PATH_CHARACTERS: Final = r"/[A-Za-z0-9@:%_+.~#?&/=-]*"
HEALTH_CHECK_PATH_DESCRIPTION: Final = "letters, digits and @ : % _ + . ~ # ? & / = - (percent-encode anything else)"
TAG_KEY_MAX_LENGTH: Final = 128
TAG_VALUE_MAX_LENGTH: Final = 256


@dataclass(frozen=True)
class Quota:
    """An adjustable account quota: where Service Quotas keeps it, and AWS's default value."""

    name: str
    service: str
    code: str
    default: int
    # An account-global quota (IAM's): Service Quotas answers for it only in its partition's home Region
    # (us-east-1; us-gov-west-1 in GovCloud) and says NoSuchResourceException elsewhere (terraform-provider-aws
    # #19735 and the note #19738 added to aws_servicequotas_service_quota's docs; openshift/aws-account-operator
    # api/v1alpha1/account_types.go @6b5ac8a, lines 145 and 80: "IAM Roles per Account" applied via us-east-1).
    global_quota: bool = False

    @property
    def reference(self) -> str:
        return f"{self.name}, Service Quotas {self.service} {self.code}"

    def service_quotas_region(self, region: str) -> str:
        """The Region whose Service Quotas endpoint answers for this quota when the fleet runs in ``region``."""
        if not self.global_quota:
            return region
        return partition_of(region).global_quota_region or region


# Account-wide quotas a fleet meets (Service Quotas defaults). A new account's applied Fargate value is often
# far lower than the default listed here; `preflight --live` reads the account's own value.
FARGATE_ON_DEMAND_VCPUS: Final = Quota("Fargate On-Demand vCPU resource count", "fargate", "L-3032A538", 4000)
ALBS_PER_REGION: Final = Quota("Application Load Balancers per Region", "elasticloadbalancing", "L-53DA6B97", 50)
TARGET_GROUPS_PER_REGION: Final = Quota("Target Groups per Region", "elasticloadbalancing", "L-B22855CB", 3000)
RULES_PER_ALB: Final = Quota("Rules per Application Load Balancer", "elasticloadbalancing", "L-7EED9B64", 100)
SERVICES_PER_CLUSTER: Final = Quota("Services per cluster", "ecs", "L-9EF96962", 5000)
NETWORK_INTERFACES_PER_REGION: Final = Quota("Network interfaces per Region", "vpc", "L-DF5E4CA3", 5000)
ELASTIC_IPS_PER_REGION: Final = Quota("EC2-VPC Elastic IPs", "ec2", "L-0263D0A3", DEFAULT_ELASTIC_IPS_PER_REGION)
VPCS_PER_REGION: Final = Quota("VPCs per Region", "vpc", "L-F678F1CE", DEFAULT_VPCS_PER_REGION)
# Per-resource quotas a fleet meets as it grows. Where each code comes from:
# - vpc L-0EA8095F: moto's servicequotas table (moto/servicequotas/resources/default_quotas/vpc.py), as AWS lists it.
# - elasticloadbalancing L-7E6692B2: the ALB User Guide's quota table links "Targets per Application Load
#   Balancer" (1,000, adjustable) to its Service Quotas console page, ...elasticloadbalancing/quotas/L-7E6692B2
#   (awsdocs/elb-application-load-balancers-user-guide @01a945e, doc_source/load-balancer-limits.md:21; the same
#   table links L-53DA6B97, L-B22855CB and L-7EED9B64 above).
# - iam L-FE177D64, "Roles per account", 1,000: brennerm/aws-quota-checker aws_quota/check/iam.py (RoleCountCheck),
#   openshift/aws-account-operator api/v1alpha1/account_types.go:80 @6b5ac8a. A global quota (see Quota).
RULES_PER_SECURITY_GROUP: Final = Quota("Inbound or outbound rules per security group", "vpc", "L-0EA8095F", 60)
TARGETS_PER_ALB: Final = Quota("Targets per Application Load Balancer", "elasticloadbalancing", "L-7E6692B2", 1000)
IAM_ROLES_PER_ACCOUNT: Final = Quota("Roles per account", "iam", "L-FE177D64", 1000, global_quota=True)
# IAM roles are global to the account: every environment of the account, in every region, counts against one quota.
IAM_ROLES_PER_TENANT: Final = 2  # the task's execution role and its task role (infra.tenant.iam)
# The rules each security group holds per direction: the platform's (infra.platform.security, which a test
# holds to this table) and each tenant's own group (infra.tenant.firewall). No tenant adds one to a shared group.
PLATFORM_SECURITY_GROUP_RULES: Final = {
    ("alb", "ingress"): 4,
    ("alb", "egress"): 1,
    ("services", "egress"): 1,
    ("database", "ingress"): 1,
}
TENANT_SECURITY_GROUP_RULES: Final = {("service", "ingress"): 1}
# Aurora PostgreSQL's default max_connections: LEAST({DBInstanceClassMemory/9531392}, 5000) (Aurora User Guide,
# "Maximum connections to an Aurora PostgreSQL DB instance", AuroraPostgreSQL.Managing.html#MaxConnections).
AURORA_PG_BYTES_PER_CONNECTION: Final = 9531392
AURORA_PG_MAX_CONNECTIONS_CAP: Final = 5000
# Every subnet loses its first four and its last address to AWS.
SUBNET_RESERVED_ADDRESSES: Final = 5
