"""What saasctl reads and writes in a state backend itself: fingerprint records beside the stacks' state (a file
backend's directory; an S3 bucket, here moto's), read for every stack of a project at once, and a stack's
outputs from its checkpoint, never when a secret is among them."""

from __future__ import annotations

import gzip
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


def test_a_project_without_records_knows_none_and_the_half_written_files_of_a_write_are_not_records(
    tmp_path: Path,
) -> None:
    url = tmp_path.as_uri()
    assert backend.read_fingerprints(url, PROJECT) == {}
    backend.write_fingerprint(url, PROJECT, "acme", ONE)
    folder = tmp_path / "saasctl-fingerprints" / PROJECT
    (folder / ".globex.json.k2x9").write_text(json.dumps(TWO.to_json()))  # a write's temporary file
    (folder / "globex.json.bak").write_text(json.dumps(TWO.to_json()))
    assert backend.read_fingerprints(url, PROJECT) == {"acme": ONE}


def test_a_stack_exists_in_a_file_backend_when_it_has_a_checkpoint(tmp_path: Path) -> None:
    url = checkpoint(tmp_path, {})
    (tmp_path / ".pulumi" / "meta.yaml").write_text("version: 1\n")
    assert backend.stack_exists(url, PROJECT, "acme") is True
    assert backend.stack_exists(url, PROJECT, "globex") is False


def test_whether_a_stack_exists_is_left_to_the_cli_in_a_folder_the_cli_never_set_up_or_elsewhere(
    tmp_path: Path, moto: str
) -> None:
    assert backend.stack_exists(checkpoint(tmp_path, {}), PROJECT, "acme") is None  # no .pulumi/meta.yaml
    assert backend.stack_exists(f"s3://state?region=us-east-1&endpoint={moto}", PROJECT, "acme") is None


def test_a_compressed_checkpoint_is_read(tmp_path: Path) -> None:
    url = checkpoint(tmp_path, {"cell": 2})
    state = tmp_path / ".pulumi" / "stacks" / PROJECT / "acme.json"
    state.with_suffix(".json.gz").write_bytes(gzip.compress(state.read_bytes()))
    state.unlink()
    assert backend.checkpoint_outputs(url, PROJECT, "acme") == {"cell": 2}


def test_a_stack_never_deployed_has_no_outputs_and_one_without_a_checkpoint_is_left_to_the_cli(tmp_path: Path) -> None:
    url = checkpoint(tmp_path, {})
    (tmp_path / ".pulumi" / "stacks" / PROJECT / "fresh.json").write_text(json.dumps({"version": 3, "checkpoint": {}}))
    assert backend.checkpoint_outputs(url, PROJECT, "fresh") == {}
    assert backend.checkpoint_outputs(url, PROJECT, "globex") is None


def test_a_damaged_checkpoint_is_left_to_the_cli(tmp_path: Path) -> None:
    url = checkpoint(tmp_path, {"cell": 1})
    (tmp_path / ".pulumi" / "stacks" / PROJECT / "acme.json").write_text('{"version": 3, "checkp')
    assert backend.checkpoint_outputs(url, PROJECT, "acme") is None


def test_outputs_holding_a_secret_in_a_list_are_left_to_the_cli(tmp_path: Path) -> None:
    secret = {backend.SECRET_SIGNATURE: "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "x"}
    url = checkpoint(tmp_path, {"tokens": ["plain", secret]})
    assert backend.checkpoint_outputs(url, PROJECT, "acme") is None


def test_outputs_are_read_from_a_checkpoint_in_an_s3_backend(moto: str) -> None:
    s3: Any = client(moto, "s3")
    s3.create_bucket(Bucket="outputs-state")
    root = {"urn": "urn:pulumi:acme::p::pulumi:pulumi:Stack::p-acme", "type": "pulumi:pulumi:Stack"}
    state = {"version": 3, "checkpoint": {"latest": {"resources": [{**root, "outputs": {"cell": 3}}]}}}
    key = f"team/.pulumi/stacks/{PROJECT}/acme.json"
    s3.put_object(Bucket="outputs-state", Key=key, Body=json.dumps(state).encode())
    url = f"s3://outputs-state/team?region=us-east-1&endpoint={moto}"
    assert backend.checkpoint_outputs(url, PROJECT, "acme") == {"cell": 3}
    assert backend.checkpoint_outputs(url, PROJECT, "globex") is None


def test_pulumi_cloud_outputs_are_left_to_the_cli() -> None:
    assert backend.checkpoint_outputs("https://api.pulumi.com", PROJECT, "acme") is None
