"""The explicit AWS provider every saasctl stack uses: region and default tags from the spec.

Default tags put the project, environment, managed-by (and tenant) tags on every taggable resource
without repeating them per resource. ``endpoint_url`` points every AWS service at one local emulator
(moto server) for trying saasctl without an AWS account.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

# Services the saasctl programs call, for pointing them all at a local endpoint.
LOCAL_ENDPOINT_SERVICES = (
    "acm",
    "appautoscaling",
    "cloudwatchlogs",
    "ec2",
    "ecs",
    "elbv2",
    "iam",
    "rds",
    "route53",  # the tenants' DNS records and the zone lookup, when platform.dns is set
    "s3",
    "secretsmanager",
    "sts",
)


@dataclass(frozen=True)
class ProviderSettings:
    region: str
    tags: dict[str, str] = field(default_factory=dict)
    endpoint_url: str | None = None


def aws_provider(name: str, settings: ProviderSettings) -> aws.Provider:
    args = aws.ProviderArgs(region=settings.region, default_tags=aws.ProviderDefaultTagsArgs(tags=settings.tags))
    if settings.endpoint_url:
        url = settings.endpoint_url
        args = aws.ProviderArgs(
            region=settings.region,
            default_tags=aws.ProviderDefaultTagsArgs(tags=settings.tags),
            endpoints=[aws.ProviderEndpointArgs(**dict.fromkeys(LOCAL_ENDPOINT_SERVICES, url))],
            # A local emulator has no real account, credentials or instance metadata to check.
            skip_credentials_validation=True,
            skip_requesting_account_id=True,
            skip_metadata_api_check=True,
            s3_use_path_style=True,
            access_key="test",
            secret_key="test",
        )
    return aws.Provider(name, args, pulumi.ResourceOptions())
