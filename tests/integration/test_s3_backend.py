"""A team's state, for real: the Pulumi CLI's diy backend in an S3 bucket and its awskms:// secrets provider, both
answered by a moto server, as `saasctl state init` makes them and tenants.yaml names them (platform.state). No
passphrase anywhere: the stacks' secrets are encrypted with the KMS key.

The URL settings are the CLI's own (v3.274.1 with gocloud.dev: aws/aws.go V2ConfigFromURLParams reads region and
endpoint, blob/s3blob reads s3ForcePathStyle; secrets/awskms takes the key from the URL's host and path).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from infra import naming
from tests.integration.conftest import RealEngine, requires_pulumi
from tests.moto_server import ACCOUNT, client

pytestmark = [requires_pulumi]

TENANTS = "  - {name: acme, priority: 10}\n  - {name: globex, priority: 11}\n"
BUCKET = "itest-state"


@pytest.fixture
def team(real: RealEngine, moto: str) -> Iterator[RealEngine]:
    """The working directory with its state in S3 and its secrets in KMS, made by `saasctl state init`."""
    real.use_aws(moto)
    del real.env["PULUMI_CONFIG_PASSPHRASE"]
    made = real.ok("state", "init", "--endpoint-url", moto, "--bucket", BUCKET, "--key-alias", "itest", "--json")
    state = made.json()["state"]
    lines = f"  state:\n    backend: {state['backend']}\n    secrets_provider: {state['secrets_provider']}\n"
    real.edit_spec("defaults:\n", lines + "defaults:\n")
    real.edit_spec("deletion_protection: true", "deletion_protection: false")
    real.edit_spec("tenants: []\n", "tenants:\n" + TENANTS)
    real.extra["moto"] = moto
    yield real


def objects(real: RealEngine) -> list[str]:
    s3: Any = client(real.extra["moto"], "s3")
    return sorted(item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def test_a_platform_and_two_tenants_live_and_die_on_an_s3_backend_with_kms_secrets(team: RealEngine) -> None:
    team.ok("platform", "up", "--yes")
    team.ok("tenant", "up", "--all", "--yes")
    listed = team.ok("tenant", "list", "--json").json()
    assert {t["name"]: t["state"] for t in listed["tenants"]} == {"acme": "deployed", "globex": "deployed"}
    shown = team.ok("tenant", "show", "acme", "--json").json()
    assert shown["outputs"]["bucket_name"] == naming.TenantNames("itest", "test", "us-east-1", "acme", ACCOUNT).bucket
    assert (shown["state"], shown["last_update"]["result"]) == ("deployed", "succeeded")
    assert ".pulumi/stacks/itest-test-tenants/acme.json" in objects(team)
    assert not (team.workdir / ".saasctl" / "state").exists()  # nothing on this machine
    s3: Any = client(team.extra["moto"], "s3")
    checkpoint = json.loads(
        s3.get_object(Bucket=BUCKET, Key=".pulumi/stacks/itest-test-tenants/acme.json")["Body"].read()
    )
    provider = checkpoint["checkpoint"]["latest"]["secrets_providers"]
    assert (provider["type"], provider["state"]["url"].split("?")[0]) == ("cloud", "awskms://alias/itest")
    team.ok("tenant", "destroy", "acme", "--yes", "--delete-data")
    team.ok("tenant", "destroy", "globex", "--yes", "--delete-data")
    team.ok("platform", "destroy", "--yes")
    # Removed stacks: only the backups Pulumi keeps of their last state (stack rm leaves the .bak) remain.
    assert [key for key in objects(team) if key.startswith(".pulumi/stacks/") and key.endswith(".json")] == []


def test_two_shards_deploy_side_by_side_on_one_s3_backend(team: RealEngine) -> None:
    shards = [team.popen("apply", "--shard", f"{k}/2", "--yes", "--json") for k in (1, 2)]
    deployed: list[str] = []
    for process in shards:
        out, err = process.communicate(timeout=900)
        assert process.returncode == 0, err
        deployed += [r["tenant"] for r in json.loads(out)["results"] if r["tenant"] and r["status"] == "succeeded"]
    assert sorted(deployed) == ["acme", "globex"]  # each by the shard it falls to, none twice
    listed = team.ok("tenant", "list", "--json").json()
    assert {t["name"]: t["state"] for t in listed["tenants"]} == {"acme": "deployed", "globex": "deployed"}


def descendants(pid: int) -> list[int]:
    """Every process under ``pid`` (the Pulumi CLI and the provider a saasctl process runs), from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    found, frontier = [], [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def test_a_killed_updates_lock_is_reported_with_its_holder_and_cleared_by_state_unlock(team: RealEngine) -> None:
    process = team.popen("platform", "up", "--yes", env={"SAASCTL_DOUBLE_DELAY": "create:cluster=60"})
    deadline = time.monotonic() + 300
    while not any(key.startswith(".pulumi/locks/") for key in objects(team)):
        assert time.monotonic() < deadline and process.poll() is None, "the update never took its lock"
        time.sleep(0.5)
    for pid in [process.pid, *descendants(process.pid)]:  # as a lost CI runner: nothing cleans up
        os.kill(pid, signal.SIGKILL)
    process.wait(timeout=30)
    time.sleep(1)

    locked = team.run("platform", "up", "--yes", "--json")  # a preview takes no lock; an update does
    [result] = locked.json()["results"]
    assert (locked.returncode, result["error_kind"]) == (1, "locked")
    assert f"@{socket.gethostname()}, pid " in result["error"] and ", since " in result["error"]
    assert "`saasctl state unlock itest-platform/test" in result["error"]

    cleared = team.ok("state", "unlock", "platform", "--json").json()
    [holder] = cleared["cleared"]
    assert holder["hostname"] == socket.gethostname()
    assert not [key for key in objects(team) if key.startswith(".pulumi/locks/")]
    after = team.run("platform", "up", "--yes", "--json")
    assert [r["error_kind"] for r in after.json()["results"]] != ["locked"], after.stderr
