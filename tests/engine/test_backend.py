"""What saasctl reads and writes in a state backend itself: fingerprint records beside the stacks' state (a file
backend's directory; an S3 bucket, here moto's), read for every stack of a project at once, and a stack's
outputs from its checkpoint, never when a secret is among them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from saas_ctl.engine.fingerprints import Fingerprint
from saas_ctl.engine.pulumi import backend
from tests.moto_server import client

PROJECT = "saas-dev-tenants"
ONE = Fingerprint({"settings": "a", "platform": "b"}, {"pulumi-aws": "7.51.1"})
TWO = Fingerprint({"settings": "c", "platform": "b"}, {"pulumi-aws": "7.51.1"})


def test_records_written_for_two_stacks_are_read_back_together(tmp_path: Path) -> None:
    url = tmp_path.as_uri()
    backend.write_fingerprint(url, PROJECT, "acme", ONE)
    backend.write_fingerprint(url, PROJECT, "globex", TWO)
    assert backend.read_fingerprints(url, PROJECT) == {"acme": ONE, "globex": TWO}


def test_a_forgotten_record_is_gone_and_forgetting_twice_is_harmless(tmp_path: Path) -> None:
    url = tmp_path.as_uri()
    backend.write_fingerprint(url, PROJECT, "acme", ONE)
    backend.write_fingerprint(url, PROJECT, "acme", None)
    backend.write_fingerprint(url, PROJECT, "acme", None)
    assert backend.read_fingerprints(url, PROJECT) == {}


def test_records_live_beside_the_state_where_the_cli_does_not_list_them_as_stacks(tmp_path: Path) -> None:
    backend.write_fingerprint(tmp_path.as_uri(), PROJECT, "acme", ONE)
    assert [p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.json")] == [
        f"saasctl-fingerprints/{PROJECT}/acme.json"
    ]


def test_a_record_edited_by_hand_is_not_trusted(tmp_path: Path) -> None:
    url = tmp_path.as_uri()
    backend.write_fingerprint(url, PROJECT, "acme", ONE)
    path = tmp_path / "saasctl-fingerprints" / PROJECT / "acme.json"
    record = json.loads(path.read_text())
    record["parts"]["settings"] = "c"
    path.write_text(json.dumps(record))
    assert backend.read_fingerprints(url, PROJECT) == {}


def test_a_backend_saasctl_cannot_read_itself_knows_no_records() -> None:
    assert backend.read_fingerprints("https://api.pulumi.com", PROJECT) is None


def test_records_in_an_s3_backend_are_read_back_together(moto: str) -> None:
    s3: Any = client(moto, "s3")
    s3.create_bucket(Bucket="state")
    url = f"s3://state/team/saasctl?region=us-east-1&endpoint={moto}"
    backend.write_fingerprint(url, PROJECT, "acme", ONE)
    backend.write_fingerprint(url, PROJECT, "globex", TWO)
    backend.write_fingerprint(url, PROJECT, "globex", None)
    assert backend.read_fingerprints(url, PROJECT) == {"acme": ONE}
    listed = [o["Key"] for o in s3.list_objects_v2(Bucket="state")["Contents"]]
    assert listed == [f"team/saasctl/saasctl-fingerprints/{PROJECT}/acme.json"]


def test_an_s3_backend_without_its_bucket_knows_no_records(moto: str) -> None:
    assert backend.read_fingerprints(f"s3://missing?region=us-east-1&endpoint={moto}", PROJECT) is None


def checkpoint(tmp_path: Path, outputs: dict[str, Any]) -> str:
    folder = tmp_path / ".pulumi" / "stacks" / PROJECT
    folder.mkdir(parents=True)
    root = {"urn": "urn:pulumi:acme::p::pulumi:pulumi:Stack::p-acme", "type": "pulumi:pulumi:Stack"}
    state = {"version": 3, "checkpoint": {"latest": {"resources": [{**root, "outputs": outputs}]}}}
    (folder / "acme.json").write_text(json.dumps(state))
    return tmp_path.as_uri()


def test_outputs_are_read_from_the_stacks_checkpoint(tmp_path: Path) -> None:
    url = checkpoint(tmp_path, {"bucket_name": "b", "cell": 1})
    assert backend.checkpoint_outputs(url, PROJECT, "acme") == {"bucket_name": "b", "cell": 1}


@pytest.mark.parametrize("where", ["top", "nested"])
def test_outputs_holding_a_secret_are_left_to_the_cli(tmp_path: Path, where: str) -> None:
    secret = {backend.SECRET_SIGNATURE: "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "x"}
    url = checkpoint(tmp_path, {"token": secret} if where == "top" else {"db": {"password": secret}})
    assert backend.checkpoint_outputs(url, PROJECT, "acme") is None
