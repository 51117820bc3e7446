"""The account behind the double when an endpoint is configured: boto3 clients on that endpoint (moto)."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from functools import cached_property
from typing import Any

from tests.aws_double.config import ProviderConfig
from tests.aws_double.errors import ApiError, NotModelled

DUMMY_KEY = "testing"  # moto takes any key: it answers for its default account (123456789012)


class Client:
    """A boto3 client whose errors come out as :class:`ApiError` (service, operation, code, message)."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.service_id = str(client.meta.service_model.service_id)

    def __getattr__(self, operation: str) -> Callable[..., Any]:
        method = getattr(self._client, operation)
        if not callable(method) or operation.startswith("get_paginator"):
            return method  # type: ignore[no-any-return]

        def call(**kwargs: Any) -> Any:
            from botocore.exceptions import ClientError

            try:
                return method(**kwargs)
            except ClientError as exc:
                error = exc.response.get("Error", {})
                meta = exc.response.get("ResponseMetadata", {})
                raise ApiError(
                    self.service_id,
                    exc.operation_name,
                    int(meta.get("HTTPStatusCode") or 400),
                    str(meta.get("RequestId") or ""),
                    str(error.get("Code") or "Unknown"),
                    str(error.get("Message") or ""),
                ) from None

        return call


class Aws:
    """One configured provider's view of the account: clients per service, its region, account and tags."""

    def __init__(self, config: ProviderConfig) -> None:
        self.config = config
        self.region = config.region
        self._clients: dict[str, Client] = {}

    def client(self, service: str) -> Client:
        if service not in self._clients:
            self._clients[service] = Client(self._boto3(service))
        return self._clients[service]

    def _boto3(self, service: str) -> Any:
        import boto3
        from botocore.config import Config

        url = self.config.endpoint(service)
        if url is None:
            raise NotModelled(
                f"no endpoint is configured for {service}: the real provider would call AWS itself, which the double "
                "cannot (add it to the provider's endpoints)"
            )
        session = boto3.session.Session(
            aws_access_key_id=self.config.access_key or os.environ.get("AWS_ACCESS_KEY_ID") or DUMMY_KEY,
            aws_secret_access_key=self.config.secret_key or os.environ.get("AWS_SECRET_ACCESS_KEY") or DUMMY_KEY,
            region_name=self.region,
        )
        settings = Config(retries={"max_attempts": 2, "mode": "standard"}, s3={"addressing_style": "path"})
        return session.client(service, endpoint_url=url, config=settings)  # type: ignore[call-overload]

    @property
    def ec2(self) -> Client:
        return self.client("ec2")

    @property
    def elbv2(self) -> Client:
        return self.client("elbv2")

    @property
    def ecs(self) -> Client:
        return self.client("ecs")

    @property
    def rds(self) -> Client:
        return self.client("rds")

    @property
    def s3(self) -> Client:
        return self.client("s3")

    @property
    def secrets(self) -> Client:
        return self.client("secretsmanager")

    @property
    def iam(self) -> Client:
        return self.client("iam")

    @property
    def logs(self) -> Client:
        return self.client("logs")

    @property
    def autoscaling(self) -> Client:
        return self.client("application-autoscaling")

    @property
    def route53(self) -> Client:
        return self.client("route53")

    @cached_property
    def account(self) -> str:
        return str(self.client("sts").get_caller_identity()["Account"])

    def tags(self, inputs: Mapping[str, Any]) -> dict[str, str]:
        """What the real provider tags a resource with (``tagsAll``): the provider's default tags under the
        resource's own (terraform-provider-aws ``internal/tags``: ``DefaultConfig.MergeTags``)."""
        return {**self.config.default_tags, **{str(k): str(v) for k, v in (inputs.get("tags") or {}).items()}}

    def tag_list(self, inputs: Mapping[str, Any], key: str = "Key", value: str = "Value") -> list[dict[str, str]]:
        return [{key: k, value: v} for k, v in self.tags(inputs).items()]

    def tag_specifications(self, resource_type: str, inputs: Mapping[str, Any]) -> list[dict[str, Any]]:
        tags = self.tag_list(inputs)
        return [{"ResourceType": resource_type, "Tags": tags}] if tags else []
