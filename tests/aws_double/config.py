"""The provider's configuration as the engine hands it to Configure: region, endpoints, default tags, credentials.

An explicit ``aws.Provider`` arrives as ``args`` (object values sometimes JSON-encoded, as the engine keeps provider
inputs), the stack's ``aws:*`` config as ``variables``. Where an endpoint comes from, for each service, follows the
real provider: its ``endpoints`` block first, then ``AWS_ENDPOINT_URL_<SERVICE>`` and ``AWS_ENDPOINT_URL`` (the AWS
SDK's service-specific endpoint settings, https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html,
which the provider's AWS SDK for Go v2 clients read).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pulumi.provider.experimental.property_value import PropertyValue

from tests.aws_double.values import unwrap

DEFAULT_REGION = "us-east-1"

# boto3's service name -> the key of the provider's ``endpoints`` block (the Terraform provider's names, which
# pulumi-aws keeps; some services have aliases there) and the AWS SDK's environment suffix.
SERVICES: dict[str, tuple[tuple[str, ...], str]] = {
    "ec2": (("ec2",), "EC2"),
    "elbv2": (("elbv2", "elb"), "ELASTIC_LOAD_BALANCING_V2"),
    "ecs": (("ecs",), "ECS"),
    "rds": (("rds",), "RDS"),
    "s3": (("s3",), "S3"),
    "secretsmanager": (("secretsmanager",), "SECRETS_MANAGER"),
    "iam": (("iam",), "IAM"),
    "logs": (("cloudwatchlogs", "logs"), "CLOUDWATCH_LOGS"),
    "application-autoscaling": (("appautoscaling", "applicationautoscaling"), "APPLICATION_AUTO_SCALING"),
    "route53": (("route53",), "ROUTE_53"),
    "sts": (("sts",), "STS"),
}


def _decoded(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _arg(args: Mapping[str, PropertyValue], variables: Mapping[str, str], key: str) -> Any:
    if key in args:
        return _decoded(unwrap(args[key]))
    return _decoded(variables.get(f"aws:config:{key}") or variables.get(f"aws:{key}"))


@dataclass(frozen=True)
class ProviderConfig:
    region: str = DEFAULT_REGION
    endpoints: dict[str, str] = field(default_factory=dict)  # the endpoints block: service key -> URL
    default_tags: dict[str, str] = field(default_factory=dict)
    access_key: str | None = None
    secret_key: str | None = None

    @classmethod
    def from_request(cls, args: Mapping[str, PropertyValue], variables: Mapping[str, str]) -> ProviderConfig:
        endpoints: dict[str, str] = {}
        for block in _arg(args, variables, "endpoints") or []:
            endpoints.update({k: str(v) for k, v in dict(block).items() if v})
        tags = _arg(args, variables, "defaultTags") or {}
        return cls(
            region=str(_arg(args, variables, "region") or os.environ.get("AWS_REGION") or DEFAULT_REGION),
            endpoints=endpoints,
            default_tags={str(k): str(v) for k, v in dict(tags.get("tags") or {}).items()},
            access_key=_arg(args, variables, "accessKey") or None,
            secret_key=_arg(args, variables, "secretKey") or None,
        )

    def endpoint(self, service: str) -> str | None:
        """The URL ``service`` is called at, or None (the real AWS endpoint)."""
        keys, suffix = SERVICES[service]
        for key in keys:
            if self.endpoints.get(key):
                return self.endpoints[key]
        return os.environ.get(f"AWS_ENDPOINT_URL_{suffix}") or os.environ.get("AWS_ENDPOINT_URL") or None

    @property
    def emulated(self) -> bool:
        """Whether an endpoint is configured at all: then the double answers from the emulator behind it."""
        return bool(self.endpoints) or bool(os.environ.get("AWS_ENDPOINT_URL"))
