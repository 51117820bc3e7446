"""PulumiEngine itself on the real Pulumi CLI (in this process, as the orchestrator's threads use it), with the
AWS provider double: progress events, outputs, stack listing, errors, locks and cancellation."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from saas_ctl.engine.base import EngineEvent, StackResult, StackTarget, Status
from saas_ctl.engine.pulumi import plugins
from saas_ctl.engine.pulumi.engine import PulumiEngine, PulumiSettings
from saas_ctl.errors import NotReady, SaasctlError
from saas_ctl.spec.loader import load
from saas_ctl.spec.models import TenantsFile
from saas_ctl.stacks import targets
from tests.integration.conftest import PULUMI, RealEngine, requires_pulumi

pytestmark = [requires_pulumi]


@pytest.fixture
def engine(real: RealEngine, monkeypatch: pytest.MonkeyPatch) -> PulumiEngine:
    """The engine the CLI would build in ``real.workdir``, with this process's environment set like the CLI's."""
    for key in list(real.env):
        monkeypatch.setenv(key, real.env[key])
    monkeypatch.chdir(real.workdir)
    return PulumiEngine(PulumiSettings.resolve(real.workdir))


def spec_of(real: RealEngine) -> TenantsFile:
    return load(real.workdir / "tenants.yaml").spec


def platform(real: RealEngine) -> StackTarget:
    return targets.platform_target(spec_of(real))


def test_up_reports_progress_events_and_outputs(real: RealEngine, engine: PulumiEngine) -> None:
    events: list[EngineEvent] = []
    result = engine.up(platform(real), events.append)
    assert result.status is Status.SUCCEEDED, result.error
    # Pulumi counts what the double never sees: the stack, the explicit provider and the 4 components.
    assert result.changes["create"] == len([c for c in real.calls() if c["op"] == "create"]) + 6
    assert events[-1].current == "done"
    assert max(e.done for e in events) == max(e.total or 0 for e in events) > 30
    assert {e.target for e in events} == {"itest-platform/test"}
    assert result.outputs["cluster_name"] == "itest-test"
    assert engine.outputs(platform(real)) == result.outputs


def test_outputs_of_a_stack_that_does_not_exist_are_empty(real: RealEngine, engine: PulumiEngine) -> None:
    assert engine.outputs(platform(real)) == {}


def test_list_stacks_agrees_with_the_pulumi_cli(real: RealEngine, engine: PulumiEngine) -> None:
    engine.up(platform(real))
    listed = real.pulumi("stack", "ls", "--all", "--json")
    assert listed.returncode == 0, listed.stderr
    assert '"name": "organization/itest-platform/test"' in listed.stdout
    assert engine.list_stacks("itest-platform") == ["test"]
    assert engine.list_stacks("nothing-here") == []


def test_preview_changes_nothing_in_aws(real: RealEngine, engine: PulumiEngine) -> None:
    result = engine.preview(platform(real))
    assert (result.status, result.changes["create"] > 30) == (Status.SUCCEEDED, True)
    assert real.calls() == []


def test_refresh_reads_every_resource_and_changes_nothing(real: RealEngine, engine: PulumiEngine) -> None:
    engine.up(platform(real))
    mark = real.mark()
    result = engine.refresh(platform(real))
    assert result.status is Status.SUCCEEDED, result.error
    read = real.calls_since(mark)
    assert {c["op"] for c in read} == {"read"} and all(c["found"] for c in read)


def test_a_failing_resource_fails_the_stack_with_one_line_naming_the_log(
    real: RealEngine, engine: PulumiEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAASCTL_DOUBLE_FAIL", "create:cluster")
    result = engine.up(platform(real))
    log = real.workdir / ".saasctl" / "logs" / "itest-platform.test.log"
    assert (result.status, result.error_kind) == (Status.FAILED, "failed")
    assert result.error is not None and "\n" not in result.error
    assert "the AWS double was told to fail create of cluster" in result.error
    assert result.error.endswith(f"(full output: {log})")
    assert "the AWS double was told to fail create of cluster" in log.read_text()


def test_a_wrong_passphrase_is_named_once_the_stack_holds_a_secret(
    real: RealEngine, engine: PulumiEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The real engine's answer: a stack with no secret in its state (the platform's) accepts any passphrase;
    # a tenant's stack holds its secret's value, and then a wrong passphrase is refused.
    real.edit_spec("tenants: []", "tenants:\n  - name: acme\n    priority: 10")
    spec = spec_of(real)
    tenant = targets.tenant_target(spec, "acme", targets.placeholder_platform(spec))
    assert engine.up(tenant).ok
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", "not the one")
    result = engine.up(tenant)
    log = real.workdir / ".saasctl" / "logs" / "itest-test-tenants.acme.log"
    assert (result.status, result.error_kind, result.error) == (
        Status.FAILED,
        "passphrase",
        f"PULUMI_CONFIG_PASSPHRASE does not decrypt stack itest-test-tenants/acme (full output: {log})",
    )


def test_destroy_removes_the_stack(real: RealEngine, engine: PulumiEngine) -> None:
    target = targets.platform_target(load_bytes_spec(real, "deletion_protection: true", "deletion_protection: false"))
    assert engine.up(target).ok
    result = engine.destroy(target)
    assert result.status is Status.SUCCEEDED, result.error
    assert engine.list_stacks("itest-platform") == []
    assert len([c for c in real.calls() if c["op"] == "delete"]) == len(
        [c for c in real.calls() if c["op"] == "create"]
    )


def test_a_protected_cluster_survives_a_raw_destroy_but_the_rest_does_not(
    real: RealEngine, engine: PulumiEngine
) -> None:
    """What Pulumi's `protect` really does on a destroy (why saasctl refuses before calling it): the engine deletes
    every unprotected resource it can, in parallel, and fails only when it reaches the protected cluster."""
    assert engine.up(platform(real)).ok
    mark = real.mark()
    result = engine.destroy(platform(real))
    deleted = {c["type"] for c in real.calls_since(mark) if c["op"] == "delete"}
    assert result.status is Status.FAILED
    assert "protected" in (result.error or "")
    assert "aws:lb/loadBalancer:LoadBalancer" in deleted
    assert not deleted & {"aws:rds/cluster:Cluster", "aws:rds/clusterInstance:ClusterInstance"}


def test_a_second_update_of_a_locked_stack_reports_the_lock(
    real: RealEngine, engine: PulumiEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAASCTL_DOUBLE_DELAY", "create:cluster=4")
    target = platform(real)
    first = _up_holding_the_lock(real, engine, target)
    second = engine.up(target)
    assert (second.status, second.error_kind) == (Status.FAILED, "locked"), second.error
    assert "is locked by another update" in (second.error or "")
    # the holder runs in this process: named, and never a suggestion to clear its lock
    assert "unlock" not in (second.error or "")
    assert first().ok


def test_cancel_stops_a_running_update_and_releases_the_lock(
    real: RealEngine, engine: PulumiEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The VPC is slow to create and everything of the network waits for it: a cancel while it is being
    # created lets that one finish (Pulumi waits for operations in flight) and starts nothing after it.
    monkeypatch.setenv("SAASCTL_DOUBLE_DELAY", "create:network-vpc=5")
    target = platform(real)
    running = _up_holding_the_lock(real, engine, target)
    engine.cancel(target.label)
    result = running()
    assert (result.status, result.error_kind) == (Status.CANCELLED, "cancelled")
    created = {c["name"] for c in real.calls() if c["op"] == "create"}
    assert not created & {"network-public-0", "network-private-0", "network-igw"}, created
    monkeypatch.setenv("SAASCTL_DOUBLE_DELAY", "")
    resumed = engine.up(target)
    assert resumed.ok, "the stack stayed locked after the cancelled update"
    assert "network-private-0" in {c["name"] for c in real.calls() if c["op"] == "create"}


def _up_holding_the_lock(real: RealEngine, engine: PulumiEngine, target: StackTarget) -> Callable[[], StackResult]:
    """Start an update on a thread; return once the update itself runs (the provider has been called), so it
    holds the stack's lock. A lock file alone is not enough: set-up commands take the lock for a moment too.
    The result is the call's."""
    results: list[StackResult] = []
    runner = threading.Thread(target=lambda: results.append(engine.up(target)))
    runner.start()
    deadline = time.monotonic() + 60
    while not real.calls():
        assert time.monotonic() < deadline and runner.is_alive(), f"the update never reached the provider: {results}"
        time.sleep(0.05)

    def result() -> StackResult:
        runner.join(timeout=120)
        return results[0]

    return result


def load_bytes_spec(real: RealEngine, old: str, new: str) -> TenantsFile:
    real.edit_spec(old, new)
    return spec_of(real)


def test_destroying_a_stack_that_does_not_exist_says_so(real: RealEngine, engine: PulumiEngine) -> None:
    result = engine.destroy(platform(real))
    assert (result.status, result.error_kind) == (Status.FAILED, "not_found")
    assert (result.error or "").startswith("stack itest-platform/test does not exist in file://")


def test_listing_before_anything_was_deployed_needs_no_cli(real: RealEngine, engine: PulumiEngine) -> None:
    assert engine.list_stacks("itest-platform") == []
    assert not (real.workdir / ".saasctl" / "state" / ".pulumi").exists()


def test_the_cli_in_saasctls_own_directory_is_preferred(
    real: RealEngine, engine: PulumiEngine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root = tmp_path / "own-cli"
    (root / "bin").mkdir(parents=True)
    (root / "bin" / "pulumi").symlink_to(PULUMI or "pulumi")
    monkeypatch.setenv("PATH", str(tmp_path / "bin-without-pulumi"))
    own = PulumiEngine(dataclasses.replace(engine.settings, cli_root=root))
    assert Path(own.pulumi_command().command) == root / "bin" / "pulumi"


def test_no_cli_anywhere_is_one_clear_error(
    real: RealEngine, engine: PulumiEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(SaasctlError) as raised:
        engine.check_ready()
    assert raised.value.message == "the Pulumi CLI is not installed (no `pulumi` on PATH)"


def test_an_installed_aws_plugin_is_used_when_ambient_plugins_are_ignored(
    real: RealEngine, engine: PulumiEngine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The other way to plug the double in: installed into Pulumi's plugin cache from a local folder, as a
    resource plugin at the pulumi-aws version (nothing is downloaded)."""
    from importlib.metadata import version

    folder = tmp_path / "plugin"
    folder.mkdir()
    shutil.copy(real.env["PATH"].split(os.pathsep)[0] + "/pulumi-resource-aws", folder / "pulumi-resource-aws")
    installed = real.pulumi("plugin", "install", "resource", "aws", version("pulumi_aws"), "--file", str(folder))
    assert installed.returncode == 0, installed.stderr
    monkeypatch.setenv("PULUMI_IGNORE_AMBIENT_PLUGINS", "true")
    result = engine.up(platform(real))
    assert result.status is Status.SUCCEEDED, result.error
    assert len([c for c in real.calls() if c["op"] == "create"]) > 30


def _no_way_out(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every download the CLI tries fails at once: a proxy that refuses every connection."""
    for proxy in ("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy"):
        monkeypatch.setenv(proxy, "http://127.0.0.1:9")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)


def test_prepare_uses_the_plugin_installed_in_pulumi_home_without_downloading(
    real: RealEngine, engine: PulumiEngine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from importlib.metadata import version

    folder = tmp_path / "plugin"
    folder.mkdir()
    shutil.copy(real.env["PATH"].split(os.pathsep)[0] + "/pulumi-resource-aws", folder / "pulumi-resource-aws")
    installed = real.pulumi("plugin", "install", "resource", "aws", version("pulumi_aws"), "--file", str(folder))
    assert installed.returncode == 0, installed.stderr
    monkeypatch.setenv("PULUMI_IGNORE_AMBIENT_PLUGINS", "true")
    _no_way_out(monkeypatch)
    engine.prepare()  # a download would fail: none was needed
    assert plugins.installed(version("pulumi_aws"))


def test_a_plugin_that_cannot_be_installed_is_refused_with_the_file_to_fetch(
    real: RealEngine, engine: PulumiEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No plugin on PATH or in PULUMI_HOME, and no way out (a proxy that refuses every connection): the CLI's
    download fails, and the refusal names the command to run with a file fetched elsewhere."""
    from importlib.metadata import version

    monkeypatch.setenv("PULUMI_IGNORE_AMBIENT_PLUGINS", "true")
    _no_way_out(monkeypatch)
    with pytest.raises(NotReady) as raised:
        engine.prepare()
    wanted = version("pulumi_aws")
    failed = f"the AWS provider plugin v{wanted} is not installed, and installing it failed"
    assert raised.value.message.startswith(failed)
    assert f"--file {plugins.asset(wanted)}" in (raised.value.hint or "")
    assert not plugins.installed(wanted)


def test_last_update_names_the_kind_result_and_time_of_the_latest_operation(
    real: RealEngine, engine: PulumiEngine
) -> None:
    assert engine.last_update(platform(real)) is None
    assert engine.up(platform(real)).ok
    update = engine.last_update(platform(real))
    assert update is not None and (update["kind"], update["result"]) == ("update", "succeeded")
    assert update["end_time"] is not None and update["end_time"].startswith("20")


def _state_file(real: RealEngine, suffix: str = "") -> Path:
    return real.workdir / ".saasctl" / "state" / ".pulumi" / "stacks" / "itest-platform" / f"test.json{suffix}"


def test_state_found_mid_write_is_read_again_until_it_is_whole(real: RealEngine, engine: PulumiEngine) -> None:
    # What a command beside a running update of the same stack meets: the file backend rewrites the state's
    # metadata sidecar in place (truncate, then write), and a reader through the CLI can find it empty.
    assert engine.up(platform(real)).ok
    state = _state_file(real, ".attrs")
    whole = state.read_bytes()
    state.write_bytes(b"")
    pauses: list[float] = []

    def the_writer_finishes(pause: float) -> None:
        pauses.append(pause)
        state.write_bytes(whole)

    engine.sleep = the_writer_finishes
    assert (engine.last_update(platform(real)) or {}).get("kind") == "update"
    assert pauses == [0.2]


def test_outputs_are_read_from_the_checkpoint_without_the_cli(real: RealEngine, engine: PulumiEngine) -> None:
    deployed = engine.up(platform(real)).outputs
    _state_file(real, ".attrs").write_bytes(b"")  # what would stop the CLI: its sidecar mid-write
    engine.settings = dataclasses.replace(engine.settings, cli_root=Path("/nonexistent"))
    engine._command = "no CLI may run"  # a CLI run would fail on this
    assert engine.outputs(platform(real)) == deployed


def test_state_that_stays_unreadable_is_reported_with_where_to_restore_it(
    real: RealEngine, engine: PulumiEngine
) -> None:
    assert engine.up(platform(real)).ok
    _state_file(real, ".attrs").write_bytes(b"")
    result = engine.up(platform(real))
    assert (result.status, result.error_kind) == (Status.FAILED, "failed")
    assert (result.error or "").startswith(
        "the state of stack itest-platform/test cannot be read (failed to load checkpoint: a file is empty or cut "
        f"short); if no other operation on it is running, file://{real.workdir}/.saasctl/state/.pulumi/stacks/"
        "itest-platform/test.json or its .attrs file beside it is damaged: delete an empty .attrs file; restore "
        "the state from the .json.bak beside it or from .pulumi/history/"
    ), result.error
    _state_file(real, ".attrs").unlink()  # what the message says to do
    assert engine.up(platform(real)).ok


def test_the_stack_config_the_engine_writes_is_the_update_config(real: RealEngine, engine: PulumiEngine) -> None:
    """Config goes into the workspace's stack settings file (not `pulumi config set-all`): the update records it
    as set-all with paths would, the tags nested under aws:defaultTags."""
    target = platform(real)
    assert engine.up(target).ok
    with engine._existing(target) as stack:
        [latest] = stack.history(page_size=1)
    config = {key: value.value for key, value in latest.config.items()}
    assert config["aws:region"] == "us-east-1"
    assert json.loads(config["aws:defaultTags"]) == {
        "tags": {key.split('"')[1]: value for key, value in target.config.items() if key.startswith("aws:defaultTags")}
    }
