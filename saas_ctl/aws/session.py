"""How saasctl makes its own AWS calls: one way to get a boto3 session, and one error boundary.

Every boto3 call saasctl makes itself (not the engine's, not preflight's live checks, which turn a failed call
into a finding) runs inside :func:`boundary` or :func:`ask`: whatever botocore raises becomes an
:class:`AwsError` saying what saasctl was doing and what AWS answered, exit 1, one line, one JSON document
under ``--json``; never a traceback. Its code and HTTP status let a caller treat an answer such as "not found"
as an answer.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Collection, Iterator
from typing import Any, TypeVar

from saas_ctl import settings
from saas_ctl.errors import SaasctlError, UsageError

T = TypeVar("T")


class AwsError(SaasctlError):
    """An AWS call saasctl made itself failed: exit 1."""

    def __init__(
        self, message: str, cause: str, code: str = "", status: int = 0, answer: str = "", hint: str | None = None
    ) -> None:
        super().__init__(message, hint)
        self.cause = cause  # botocore's own text
        self.code = code  # AWS's error code ("AccessDenied", "NoSuchBucket", ...), "" when AWS did not answer
        self.status = status  # the answer's HTTP status, 0 when AWS did not answer
        self.answer = answer or cause  # AWS's own message, without botocore's framing, when it answered


def session(endpoint_url: str | None) -> Any | None:
    """A boto3 session with credentials, or None. A local endpoint gets dummy credentials if none are set."""
    import boto3

    settings.checked_endpoint(endpoint_url)
    found = boto3.Session()
    if found.get_credentials() is not None:
        return found
    if endpoint_url:
        return boto3.Session(aws_access_key_id="test", aws_secret_access_key="test")
    return None


def required(endpoint_url: str | None, what: str) -> Any:
    """A boto3 session with credentials, or a usage error saying that ``what`` needs them."""
    found = session(endpoint_url)
    if found is None:
        raise UsageError(
            f"{what} needs AWS credentials (environment, profile or instance role)",
            hint="or --local for the local emulator",
        )
    return found


@contextlib.contextmanager
def boundary(what: str, hint: str | None = None) -> Iterator[None]:
    """Calls to AWS inside the block fail as an :class:`AwsError` whose message starts with ``what``."""
    from botocore.exceptions import BotoCoreError, ClientError
    from botocore.parsers import ResponseParserError

    try:
        yield
    except ClientError as exc:
        error = exc.response.get("Error", {})
        status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))
        code, answer = str(error.get("Code", "")), str(error.get("Message", ""))
        raise AwsError(f"{what}: {exc}", str(exc), code, status, answer, hint) from None
    except BotoCoreError as exc:
        raise AwsError(f"{what}: {exc}", str(exc), hint=hint) from None
    except ResponseParserError as exc:  # not a BotoCoreError: an endpoint that answers with a web page
        raise AwsError(f"{what}: {not_an_aws_answer(exc)}", str(exc), hint=hint) from None


def not_an_aws_answer(exc: Exception) -> str:
    """What an endpoint that answered with something botocore cannot parse (an HTML page) did, in one line."""
    page = "<html" in str(exc).lower()
    return f"the endpoint answered with {'an HTML page' if page else 'something'} that is not an AWS answer"


def ask(what: str, call: Callable[[], T], missing: Collection[str | int] = ()) -> T | None:
    """``call``'s answer; None when AWS says that what was asked about does not exist (its error code or HTTP
    status is one of ``missing``); else, on any failure, an :class:`AwsError` starting with ``what``."""
    try:
        with boundary(what):
            return call()
    except AwsError as exc:
        if exc.code in missing or exc.status in missing:
            return None
        raise
