"""The release record: the same document read back from a file backend and from an s3:// backend (moto), and one
release starting at a time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from saas_ctl.errors import SaasctlError, UsageError
from saas_ctl.releases.record import BucketRecords, Release, TenantEntry, TenantStatus, Wave, records_for
from tests.moto_server import client


def a_release(release_id: str = "r20261202-111610-3f9a") -> Release:
    return Release(
        id=release_id,
        project="saas",
        environment="dev",
        image="app:2",
        previous_image="app:1",
        waves=[Wave("canary", ["acme"]), Wave("wave 1", ["globex"])],
        tenants={
            "acme": TenantEntry(0, "app:1", "app:2", TenantStatus.SUCCEEDED),
            "globex": TenantEntry(1, "app:1", "app:1", TenantStatus.ROLLED_BACK, "unhealthy"),
        },
        options={"bake": 0.0},
    )


def test_a_file_backend_keeps_records_beside_the_stacks(tmp_path: Path) -> None:
    store = records_for((tmp_path / "state").as_uri(), "saas", "dev")
    store.save(a_release())
    assert (tmp_path / "state" / "releases" / "saas" / "dev" / "r20261202-111610-3f9a.json").is_file()
    assert store.load("r20261202-111610-3f9a").to_json() == a_release().to_json() | {
        "updated_at": store.load("r20261202-111610-3f9a").updated_at
    }


@pytest.fixture
def bucket(moto: str) -> str:
    s3: Any = client(moto, "s3")
    s3.create_bucket(Bucket="acme-state")
    return f"s3://acme-state/saasctl?region=us-east-1&endpoint={moto}&use_path_style=true"


def test_an_s3_backend_keeps_records_under_its_prefix(bucket: str, moto: str) -> None:
    store = records_for(bucket, "saas", "dev")
    store.save(a_release("r20261202-111610-aaaa"))
    store.save(a_release("r20261203-090000-bbbb"))
    s3: Any = client(moto, "s3")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="acme-state")["Contents"]]
    assert keys == [
        "saasctl/releases/saas/dev/r20261202-111610-aaaa.json",
        "saasctl/releases/saas/dev/r20261203-090000-bbbb.json",
    ]
    assert [r.id for r in store.all()] == ["r20261202-111610-aaaa", "r20261203-090000-bbbb"]
    loaded = store.load("r20261202-111610-aaaa")
    assert (loaded.tenants["globex"].status, loaded.tenants["globex"].error) == (TenantStatus.ROLLED_BACK, "unhealthy")


def test_an_unknown_release_names_the_recorded_ones(bucket: str) -> None:
    store = records_for(bucket, "saas", "dev")
    store.save(a_release())
    with pytest.raises(UsageError) as raised:
        store.load("r-nope")
    assert raised.value.hint == "releases recorded: r20261202-111610-3f9a"


def test_only_one_release_at_a_time_holds_an_s3_backends_records(bucket: str) -> None:
    first, second = records_for(bucket, "saas", "dev"), records_for(bucket, "saas", "dev")
    assert isinstance(second, BucketRecords)
    second.LOCK_TIMEOUT_SECONDS = 0.0
    with first.exclusive(), pytest.raises(SaasctlError, match=r"the release records are locked"), second.exclusive():
        pass
    with second.exclusive():  # released
        pass


def test_pulumi_cloud_is_refused_for_records() -> None:
    with pytest.raises(UsageError, match=r"this environment's is https://"):
        records_for("https://api.pulumi.com", "saas", "dev")
