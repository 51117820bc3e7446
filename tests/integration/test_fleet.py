"""Fleet operations through the real CLI on the real Pulumi engine: parallel apply, concurrent runs on one stack,
an interrupted apply, a container-port change, and the errors a user meets first."""

from __future__ import annotations

import signal
import time

from tests.integration.conftest import RealEngine, requires_pulumi

pytestmark = [requires_pulumi]


def declare(real: RealEngine, count: int) -> list[str]:
    names = [f"t{i:02d}" for i in range(1, count + 1)]
    entries = "".join(f"  - name: {n}\n    priority: {10 + i}\n" for i, n in enumerate(names))
    real.edit_spec("tenants: []\n", "tenants:\n" + entries)
    return names


def test_apply_with_parallel_4_deploys_twelve_tenants_with_progress_for_each(real: RealEngine) -> None:
    names = declare(real, 12)
    result = real.ok("apply", "--parallel", "4", "--json", env={"SAASCTL_DOUBLE_DELAY": "create:service-service=6"})
    results = result.json()["results"]
    assert [(r["stack"], r["status"]) for r in results] == [("test", "succeeded")] + [(n, "succeeded") for n in names]
    for name in names:
        assert f"{name}: running" in result.stderr and f"{name}: succeeded" in result.stderr
        # Engine events reached the display while the service was being created (one every 5 s at most).
        assert any(line.startswith(f"{name}: running ") and "resources" in line for line in result.stderr.splitlines())
    assert sorted(real.pulumi("stack", "ls", "--all", "--json").stdout.count(f'/{n}"') for n in names) == [1] * 12


def test_two_concurrent_tenant_ups_on_one_stack_both_end_well(real: RealEngine) -> None:
    declare(real, 1)
    real.ok("platform", "up")
    # Slow enough that the second command (a new process: imports, preflight, set-up) starts while it runs.
    slow = {"SAASCTL_DOUBLE_DELAY": "create:service-task=15"}
    mark = real.mark()
    first = real.popen("tenant", "up", "t01", "--json", env=slow)
    deadline = time.monotonic() + 120
    while not real.calls_since(mark):  # the first update is running: it holds the lock until its slow task
        assert time.monotonic() < deadline and first.poll() is None, "the first update never started"
        time.sleep(0.05)
    second = real.run("tenant", "up", "t01", "--json")
    _, first_err = first.communicate(timeout=300)
    assert first.returncode == 0, first_err
    [late] = second.json()["results"]
    # The loser either waited for the lock (the orchestrator retries a locked stack) or reports it clearly.
    if second.returncode == 0:
        assert late["status"] == "succeeded" and "retrying" in second.stderr
    else:
        assert (late["error_kind"], second.returncode) == ("locked", 1)
        assert "clear the lock: `saasctl state unlock itest-test-tenants/t01`" in late["error"]


def test_sigint_during_apply_exits_130_and_the_next_apply_succeeds(real: RealEngine) -> None:
    declare(real, 3)
    process = real.popen("apply", "--parallel", "3", env={"SAASCTL_DOUBLE_DELAY": "create:service-task=10"})
    deadline = time.monotonic() + 120
    while not any(c["op"] == "create" and c["name"] == "storage-bucket" for c in real.calls()):
        assert time.monotonic() < deadline and process.poll() is None, "the tenants never started"
        time.sleep(0.2)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "interrupted" in stderr
    again = real.ok("apply", "--json").json()["results"]
    # The platform's up had ended before the interrupt: its fingerprint is recorded, and it is left alone.
    assert [(r["stack"], r["status"]) for r in again] == [("test", "unchanged")] + [
        (name, "succeeded") for name in ("t01", "t02", "t03")
    ]


def test_missing_passphrase_is_one_line_and_exit_2(real: RealEngine) -> None:
    env = dict(real.env)
    env.pop("PULUMI_CONFIG_PASSPHRASE")
    real.env = env
    result = real.run("platform", "up")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-2:] == [
        "error: PULUMI_CONFIG_PASSPHRASE is not set; the local state backend encrypts stack secrets with it",
        "hint: export PULUMI_CONFIG_PASSPHRASE=... (keep it: the same passphrase is needed for every later run)",
    ]


def test_a_failing_resource_names_the_stack_log(real: RealEngine) -> None:
    result = real.run("platform", "up", env={"SAASCTL_DOUBLE_FAIL": "create:network-vpc"})
    log = real.workdir / ".saasctl" / "logs" / "itest-platform.test.log"
    assert result.returncode == 1
    [line] = [line for line in result.stderr.splitlines() if line.startswith("failed:")]
    assert "the AWS double was told to fail create of network-vpc" in line
    assert line.endswith(f"(full output: {log})")
