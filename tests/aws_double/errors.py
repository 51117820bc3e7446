"""Failures as the real provider reports them, so the engine (and a reader of its output) sees AWS's code and message.

terraform-provider-aws wraps every AWS SDK for Go v2 error as ``<action> <resource kind> (<id>): <error>`` (its
``sdkdiag.AppendErrorf(diags, "creating S3 Bucket (%s): %s", ...)`` calls), and the SDK's error reads
``operation error <ServiceID>: <Operation>, https response error StatusCode: <n>, RequestID: <id>, api error <Code>:
<Message>`` (smithy-go ``errors.go`` ``OperationError.Error`` and ``GenericAPIError.Error``, aws-sdk-go-v2
``aws/transport/http/response_error.go`` ``ResponseError.Error``; both in the Go module cache).
"""

from __future__ import annotations

from dataclasses import dataclass


class ProviderError(Exception):
    """An operation on a resource failed; the message is the whole line the engine shows."""


@dataclass
class ApiError(Exception):
    """What an AWS API call answered with an error (moto, standing in for AWS)."""

    service_id: str
    operation: str
    status: int
    request_id: str
    code: str
    message: str

    def __str__(self) -> str:
        return (
            f"operation error {self.service_id}: {self.operation}, https response error StatusCode: {self.status}, "
            f"RequestID: {self.request_id}, api error {self.code}: {self.message}"
        )


class Refusal(Exception):
    """A refusal the double models where moto has none (the handler cites its source): ``<Code>: <message>``."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code


class NotModelled(Exception):
    """A call the double cannot make for want of an API in the emulator, and does not pretend to."""


ACTIONS = {"create": "creating", "read": "reading", "update": "updating", "delete": "deleting"}


def reported(op: str, kind: str, ident: str, error: Exception) -> ProviderError:
    return ProviderError(f"{ACTIONS[op]} {kind} ({ident}): {error}")
