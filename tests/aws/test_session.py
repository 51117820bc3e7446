"""saasctl's own AWS calls: one boundary turns whatever botocore raises into one saasctl error, exit 1."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest

from saas_ctl.aws.session import AwsError, ask, boundary
from saas_ctl.errors import EXIT_FAILED
from tests.moto_server import client


@pytest.fixture
def closed_port() -> Iterator[str]:
    """An address on this machine where nothing listens: connecting is refused at once."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{held.getsockname()[1]}"


def test_an_aws_error_answer_becomes_an_aws_error_with_its_code_status_and_message(moto: str) -> None:
    s3: Any = client(moto, "s3")
    with pytest.raises(AwsError) as raised, boundary("could not read the tags of bucket nowhere"):
        s3.get_bucket_tagging(Bucket="nowhere")
    error = raised.value
    assert (error.code, error.status, error.exit_code) == ("NoSuchBucket", 404, EXIT_FAILED)
    assert error.message == (
        "could not read the tags of bucket nowhere: An error occurred (NoSuchBucket) when calling the "
        "GetBucketTagging operation: The specified bucket does not exist"
    )
    assert error.answer == "The specified bucket does not exist"


def test_no_answer_at_all_becomes_an_aws_error_without_a_code(closed_port: str, moto: str) -> None:
    s3: Any = client(closed_port, "s3")
    with pytest.raises(AwsError) as raised, boundary("could not list the account's buckets", hint="check the network"):
        s3.list_buckets()
    error = raised.value
    assert (error.code, error.status, error.hint) == ("", 0, "check the network")
    assert error.message.startswith(
        f'could not list the account\'s buckets: Could not connect to the endpoint URL: "{closed_port}/"'
    )


def test_ask_answers_none_when_aws_says_the_thing_does_not_exist(moto: str) -> None:
    s3: Any = client(moto, "s3")
    assert ask("could not look for bucket nowhere", lambda: s3.head_bucket(Bucket="nowhere"), {404}) is None


def test_ask_fails_on_any_other_answer(moto: str) -> None:
    s3: Any = client(moto, "s3")
    with pytest.raises(AwsError) as raised:
        ask(
            "could not read the tags of bucket nowhere",
            lambda: s3.get_bucket_tagging(Bucket="nowhere"),
            {"NoSuchTagSet"},
        )
    assert raised.value.code == "NoSuchBucket"
