"""Live preflight checks: read-only AWS calls that answer what no offline rule can.

Every check is independent. One that cannot run (permission denied, API not supported by the endpoint,
no network) becomes a warning naming the permission it needed, never a crash. Where one list call can
answer for every tenant, it is made once, so the number of calls does not grow with the tenants.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from saas_ctl.aws.session import AwsError, not_an_aws_answer
from saas_ctl.errors import UsageError, shortened
from saas_ctl.preflight.findings import Finding, error, warning
from saas_ctl.preflight.live.certificate import certificate, covers
from saas_ctl.preflight.live.context import AwsContext, error_code
from saas_ctl.preflight.live.database import engine_version, instance_class
from saas_ctl.preflight.live.dns import existing_records, hosted_zone
from saas_ctl.preflight.live.leftovers import buckets, leftovers, secrets
from saas_ctl.preflight.live.load_balancers import alb_rules
from saas_ctl.preflight.live.network import availability_zones, elastic_ips, vpcs
from saas_ctl.preflight.live.quotas import compute_capacity, load_balancing_capacity, resource_quotas
from saas_ctl.spec.models import TenantsFile


@dataclass(frozen=True)
class LiveCheck:
    name: str
    permissions: tuple[str, ...]
    run: Callable[[TenantsFile, AwsContext, set[str] | None], Iterator[Finding]]


def run_checks(spec: TenantsFile, ctx: AwsContext, deployed: set[str] | None = None) -> list[Finding]:
    """Run every live check; ``deployed`` names the tenants whose stacks exist (None: not known)."""
    findings: list[Finding] = []
    for check in CHECKS:
        ctx.last_call = ""
        try:
            findings += list(check.run(spec, ctx, deployed))
        except Exception as exc:
            findings.append(_unsupported(check, ctx, exc) or _failed(check, exc))
    return findings


def _failed(check: LiveCheck, exc: Exception) -> Finding:
    """A check that could not run: AWS's error code (a permission to grant, an API call that failed)."""
    from botocore.exceptions import ClientError

    if isinstance(exc, ClientError):
        return _could_not_run(check, exc.response.get("Error", {}).get("Code", "error"), str(exc))
    if isinstance(exc, AwsError):  # a call through saasctl's own boundary (the kept-data tag lookup)
        return _could_not_run(check, exc.code or "error", exc.cause)
    return _could_not_run(check, type(exc).__name__, str(exc))  # BotoCoreError, a network failure...


# What an endpoint that is not AWS (an emulator: moto, LocalStack) answers for an API it does not implement: a
# server error, often an HTML page botocore cannot parse (moto 5.2.5 for rds:DescribeDBEngineVersions).
_UNIMPLEMENTED_STATUS = {500, 501}


def _unsupported(check: LiveCheck, ctx: AwsContext, exc: Exception) -> Finding | None:
    """One line for a check an emulator cannot answer: its gap, not a permission of the account to grant."""
    from botocore.exceptions import ClientError
    from botocore.parsers import ResponseParserError

    if not ctx.endpoint_url:
        return None
    status = int(getattr(exc, "response", {}).get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
    if not isinstance(exc, ResponseParserError) and not (
        isinstance(exc, ClientError) and status in _UNIMPLEMENTED_STATUS
    ):
        return None
    call = ctx.last_call or " or ".join(check.permissions)
    page = "<html" in str(exc).lower()
    answer = "an HTML error page" if page else f"HTTP {status}" if status else "something that is no AWS answer"
    return warning(
        "LIVE-CHECK-UNSUPPORTED",
        (),
        f"could not check {check.name}: {ctx.endpoint_url} does not implement {call} (it answered with {answer})",
    )


def unreachable(ctx: AwsContext) -> Finding | None:
    """Whether AWS answers at all (sts:GetCallerIdentity, which needs no permission): without an answer every
    check would fail the same way, so this is said once instead of once per check. None when it answers."""
    from botocore.exceptions import BotoCoreError, ClientError

    where = ctx.endpoint_url or f"AWS in {ctx.region}"
    try:
        ctx.client("sts").get_caller_identity()
        return None
    except ClientError as exc:
        code = error_code(exc)
        if code in {"InvalidClientTokenId", "ExpiredToken", "UnrecognizedClientException", "SignatureDoesNotMatch"}:
            return error(
                "LIVE-CREDENTIALS",
                (),
                f"{where} refused the credentials ({code}): no live check could run",
                "renew or fix the AWS credentials (profile, environment, role), or run `saasctl preflight --offline`",
            )
        return None  # it answered; the checks say what they can and cannot see
    except BotoCoreError as exc:
        return error(
            "LIVE-UNREACHABLE",
            (),
            f"could not reach {where} ({shortened(f'{type(exc).__name__}: {exc}', 200)}): no live check could run",
            "check the network, the region and --endpoint-url, or run `saasctl preflight --offline`",
        )
    except Exception as exc:  # botocore could not read the answer: a ResponseParserError, or a KeyError for a 200
        # page it took for a result
        if ctx.endpoint_url:  # an endpoint named outright that is no AWS-compatible one: a usage error
            raise UsageError(
                f"{ctx.endpoint_url} is not an AWS-compatible endpoint: asked sts:GetCallerIdentity, "
                f"{not_an_aws_answer(exc)}",
                hint="point --endpoint-url (or SAASCTL_AWS_ENDPOINT) at an AWS API emulator, such as the one "
                "`saasctl local start` runs",
            ) from None
        return error(
            "LIVE-UNREACHABLE",
            (),
            f"{where} answered with something that is not an AWS answer (a proxy's page?): no live check could run",
            "check the network and the proxy settings, or run `saasctl preflight --offline`",
        )


def _could_not_run(check: LiveCheck, code: str, detail: str) -> Finding:
    denied = code in {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnrecognizedClientException"}
    reason = f"permission denied ({code})" if denied else f"the API call failed ({code}: {shortened(detail, 160)})"
    return warning(
        "LIVE-CHECK-SKIPPED",
        (),
        f"could not check {check.name}: {reason}",
        f"this check needs {', '.join(check.permissions)}",
    )


CHECKS: tuple[LiveCheck, ...] = (
    LiveCheck("the Aurora engine version", ("rds:DescribeDBEngineVersions",), engine_version),
    LiveCheck(
        "the database instance class",
        ("rds:DescribeDBEngineVersions", "rds:DescribeOrderableDBInstanceOptions"),
        instance_class,
    ),
    LiveCheck("availability zones", ("ec2:DescribeAvailabilityZones",), availability_zones),
    LiveCheck("Elastic IP headroom", ("ec2:DescribeAddresses", "servicequotas:GetServiceQuota"), elastic_ips),
    LiveCheck("VPC headroom", ("ec2:DescribeVpcs", "servicequotas:GetServiceQuota"), vpcs),
    LiveCheck(
        "the ALB's rules and target groups",
        (
            "elasticloadbalancing:DescribeLoadBalancers",
            "elasticloadbalancing:DescribeListeners",
            "elasticloadbalancing:DescribeRules",
            "elasticloadbalancing:DescribeAccountLimits",
            "elasticloadbalancing:DescribeTargetGroups",
            "elasticloadbalancing:DescribeTags",
        ),
        alb_rules,
    ),
    LiveCheck(
        "load balancers and target groups in the region",
        (
            "elasticloadbalancing:DescribeLoadBalancers",
            "elasticloadbalancing:DescribeTargetGroups",
            "servicequotas:GetServiceQuota",
        ),
        load_balancing_capacity,
    ),
    LiveCheck("Fargate, ECS and network interface quotas", ("servicequotas:GetServiceQuota",), compute_capacity),
    LiveCheck(
        "rules per security group, targets per ALB and IAM roles",
        ("servicequotas:GetServiceQuota", "iam:GetAccountSummary", "iam:ListRoles"),
        resource_quotas,
    ),
    LiveCheck("the certificate", ("acm:DescribeCertificate",), certificate),
    LiveCheck("the hosted zone", ("route53:GetHostedZone", "route53:ListHostedZonesByName"), hosted_zone),
    LiveCheck(
        "records at tenant hosts",
        (
            "route53:GetHostedZone",
            "route53:ListHostedZonesByName",
            "route53:ListResourceRecordSets",
            "elasticloadbalancing:DescribeLoadBalancers",
        ),
        existing_records,
    ),
    LiveCheck("bucket names", ("s3:ListAllMyBuckets", "s3:ListBucket", "s3:GetBucketTagging"), buckets),
    LiveCheck("secret names", ("secretsmanager:ListSecrets",), secrets),
    LiveCheck(
        "leftover resources",
        (
            "logs:DescribeLogGroups",
            "logs:ListTagsForResource",
            "iam:ListRoles",
            "iam:ListRoleTags",
            "elasticloadbalancing:DescribeTargetGroups",
            "elasticloadbalancing:DescribeTags",
        ),
        leftovers,
    ),
)

__all__ = [
    "CHECKS",
    "AwsContext",
    "LiveCheck",
    "alb_rules",
    "availability_zones",
    "buckets",
    "certificate",
    "compute_capacity",
    "covers",
    "elastic_ips",
    "engine_version",
    "existing_records",
    "hosted_zone",
    "instance_class",
    "leftovers",
    "load_balancing_capacity",
    "resource_quotas",
    "run_checks",
    "secrets",
    "unreachable",
    "vpcs",
]
