"""What every live check shares: boto3 clients that count their calls, list calls made once per run, the
account's quotas."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from infra import aws_limits
from saas_ctl.spec.models import TenantsFile


@dataclass
class AwsContext:
    """boto3 clients for one region (optionally at one endpoint), counting the calls they make."""

    session: Any
    region: str
    endpoint_url: str | None = None
    calls: Counter[str] = field(default_factory=Counter)
    clients: dict[str, Any] = field(default_factory=dict)
    listed: dict[tuple[str, ...], list[Any]] = field(default_factory=dict)  # one list call serves every check
    last_call: str = ""  # the API asked last ("rds:DescribeDBEngineVersions"): the one a failure is about
    _account: str | None = None

    def account(self) -> str:
        """The account of the credentials (sts:GetCallerIdentity, which needs no permission), asked once."""
        if self._account is None:
            self._account = str(self.client("sts").get_caller_identity()["Account"])
        return self._account

    def client(self, service: str, region: str | None = None) -> Any:
        """The client of ``service`` in the run's region, or in ``region`` (a global quota's home Region)."""
        region = region or self.region
        key = service if region == self.region else f"{service}@{region}"
        if key not in self.clients:
            from botocore.config import Config

            # Few retries and short timeouts: preflight must answer in seconds, and a check that cannot get
            # an answer becomes a warning rather than a wait.
            config = Config(retries={"max_attempts": 2, "mode": "standard"}, connect_timeout=5, read_timeout=20)
            client = self.session.client(service, region_name=region, endpoint_url=self.endpoint_url, config=config)
            client.meta.events.register("before-call", self._count)
            self.clients[key] = client
        return self.clients[key]

    def _count(self, model: Any, **_: Any) -> None:
        self.last_call = f"{model.service_model.service_name}:{model.name}"
        self.calls[self.last_call] += 1


def paginate(ctx: AwsContext, service: str, operation: str, key: str, **kwargs: Any) -> list[Any]:
    memo = (service, operation, key, *(f"{k}={v}" for k, v in sorted(kwargs.items())))
    if memo not in ctx.listed:
        paginator = ctx.client(service).get_paginator(operation)
        ctx.listed[memo] = [item for page in paginator.paginate(**kwargs) for item in page.get(key, [])]
    return ctx.listed[memo]


def error_code(exc: Exception) -> str:
    response = getattr(exc, "response", {}) or {}
    return str(response.get("Error", {}).get("Code", ""))


def account_quota(
    ctx: AwsContext, spec: TenantsFile, quota: aws_limits.Quota, field: str | None = None
) -> tuple[int, str]:
    """The account's applied value of ``quota``; else the one the spec declares in ``platform.quotas.<field>``
    (when it has such a field); else AWS's default; with where the value came from."""
    from botocore.exceptions import BotoCoreError, ClientError

    quotas = ctx.client("service-quotas", quota.service_quotas_region(ctx.region))
    try:
        value = quotas.get_service_quota(ServiceCode=quota.service, QuotaCode=quota.code)["Quota"]["Value"]
        return int(value), "your account's quota"
    except ClientError as exc:
        if error_code(exc) != "NoSuchResourceException":
            raise
    declared = getattr(spec.platform.quotas, field) if field else None
    if declared is not None:
        return int(declared), f"platform.quotas.{field}"
    try:
        value = quotas.get_aws_default_service_quota(ServiceCode=quota.service, QuotaCode=quota.code)["Quota"]["Value"]
        return int(value), "AWS's default"
    except (ClientError, BotoCoreError):
        return quota.default, "AWS's documented default"
