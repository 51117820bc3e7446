"""Fixtures: a real moto server on 127.0.0.1 (a free port), reset before each test; boto3 clients to seed it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

REGION = "us-east-1"
ACCOUNT = "123456789012"  # moto's account for the default credentials


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    port = _free_port()
    executable = shutil.which("moto_server", path=str(Path(sys.executable).parent)) or "moto_server"
    process = subprocess.Popen(
        [executable, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{url}/moto-api/", timeout=1)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("moto_server did not start") from None
            time.sleep(0.1)
    yield url
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:  # a request still being answered (a loaded machine): it goes anyway
        process.kill()
        process.wait()


@pytest.fixture
def moto(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A clean moto account for one test; boto3 finds dummy credentials in the environment."""
    urllib.request.urlopen(urllib.request.Request(f"{moto_url}/moto-api/reset", method="POST"), timeout=5)
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return moto_url


def client(url: str, service: str, **credentials: str) -> object:
    return boto3.client(service, region_name=REGION, endpoint_url=url, **credentials)  # type: ignore[call-overload]


def other_account_credentials(url: str, account: str = "111111111111") -> dict[str, str]:
    """Credentials of another AWS account, by assuming a role in it (moto keys resources by account)."""
    sts = client(url, "sts")
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/other", RoleSessionName="seed")["Credentials"]  # type: ignore[attr-defined]
    return {
        "aws_access_key_id": creds["AccessKeyId"],
        "aws_secret_access_key": creds["SecretAccessKey"],
        "aws_session_token": creds["SessionToken"],
    }


os.environ.setdefault("MOTO_ALLOW_NONEXISTENT_REGION", "true")


@pytest.fixture
def moto_env(moto: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """moto, with the environment that points saasctl's own boto3 calls at it (as a CLI run in it would)."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto)
    return moto


def ecs_service(url: str, desired: int = 1) -> None:
    """Cluster saas-dev with service saas-acme-dev (task family saas-acme-dev), as the test specs deploy them."""
    ecs: Any = client(url, "ecs")
    ecs.create_cluster(clusterName="saas-dev")
    ecs.register_task_definition(
        family="saas-acme-dev", containerDefinitions=[{"name": "app", "image": "x", "memory": 512}]
    )
    ecs.create_service(
        cluster="saas-dev", serviceName="saas-acme-dev", taskDefinition="saas-acme-dev", desiredCount=desired
    )
