"""`tenant show` and `tenant logs` through the real app: a plugged engine for stack state, moto for AWS."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from saas_ctl.aws.logs import fetch, follow, parse_since
from saas_ctl.cli.main import app
from tests import fakes
from tests.conftest import MINIMAL
from tests.fakes import TENANTS, deployed_platform
from tests.moto_server import client, ecs_service

ALB = "saas-dev-alb-0.us-east-1.elb.amazonaws.com"
GROUP = "/saasctl/saas-dev/acme"


@pytest.fixture
def spec(write_spec: Callable[[str], Path]) -> Path:
    return write_spec(MINIMAL)


def test_show_json_has_effective_settings_state_outputs_and_the_dns_records_to_create(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path
) -> None:
    deployed_platform(engine)
    engine.deploy(TENANTS, "acme", {"bucket_name": "b", "urls": ["http://acme.example.com"], "log_group_name": GROUP})
    result = runner.invoke(app, ["tenant", "show", "acme", "-f", str(spec), "--json"])
    assert result.exit_code == 0, result.stderr
    view = json.loads(result.stdout)
    assert (view["name"], view["state"], view["live"]) == ("acme", "deployed", None)
    assert {k: view["settings"][k] for k in ("hosts", "priority", "cpu", "memory", "image")} == {
        "hosts": ["acme.example.com"],
        "priority": 10,
        "cpu": 256,
        "memory": 512,
        "image": "public.ecr.aws/nginx/nginx:stable",
    }
    assert view["outputs"] == {"bucket_name": "b", "urls": ["http://acme.example.com"], "log_group_name": GROUP}
    assert view["dns"] == {"managed": False, "records": [{"name": "acme.example.com", "type": "CNAME", "value": ALB}]}


def test_show_of_a_declared_tenant_not_yet_deployed(runner: CliRunner, engine: fakes.MemoryEngine, spec: Path) -> None:
    view = json.loads(runner.invoke(app, ["tenant", "show", "acme", "-f", str(spec), "--json"]).stdout)
    assert (view["state"], view["outputs"], view["last_update"]) == ("not deployed", {}, None)
    assert view["dns"]["records"] == [{"name": "acme.example.com", "type": "CNAME", "value": None}]


@pytest.fixture
def no_pulumi(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, offline: Path) -> None:
    """The default engine on a machine with no Pulumi CLI anywhere, in an empty working directory."""
    monkeypatch.delenv("SAASCTL_ENGINE", raising=False)
    monkeypatch.delenv("PULUMI_BACKEND_URL", raising=False)
    monkeypatch.setenv("SAASCTL_PULUMI_ROOT", str(tmp_path / "no-cli"))
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    monkeypatch.chdir(tmp_path)


def test_show_of_a_tenant_never_deployed_needs_no_pulumi_cli_nor_passphrase(
    runner: CliRunner, no_pulumi: None, spec: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PULUMI_CONFIG_PASSPHRASE", raising=False)
    result = runner.invoke(app, ["tenant", "show", "acme", "-f", str(spec)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == "tenant acme: not deployed"
    assert "  acme.example.com CNAME (the load balancer, once the platform is deployed)" in result.stdout


def test_show_where_listing_stacks_needs_the_missing_cli_says_the_state_is_unknown(
    runner: CliRunner, no_pulumi: None, spec: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", "x")
    result = runner.invoke(app, ["tenant", "show", "acme", "-f", str(spec), "--backend", "s3://acme-state", "--json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["state"] == "unknown: no Pulumi CLI"


def test_show_with_platform_dns_says_the_stack_manages_the_records(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    path = write_spec(
        MINIMAL.replace("  domain: example.com\n", "  domain: example.com\n  dns: {zone_name: example.com}\n")
    )
    view = json.loads(runner.invoke(app, ["tenant", "show", "acme", "-f", str(path), "--json"]).stdout)
    assert view["dns"] == {
        "managed": True,
        "records": [{"name": "acme.example.com", "type": "A (alias)", "value": None}],
    }


def test_show_of_an_unknown_tenant_exits_2(runner: CliRunner, engine: fakes.MemoryEngine, spec: Path) -> None:
    result = runner.invoke(app, ["tenant", "show", "nobody", "-f", str(spec)])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: tenant 'nobody' is neither declared in ")


def test_show_human_output_lists_what_an_operator_looks_for(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path
) -> None:
    deployed_platform(engine)
    engine.deploy(TENANTS, "acme", {"urls": ["http://acme.example.com"], "log_group_name": GROUP})
    result = runner.invoke(app, ["tenant", "show", "acme", "-f", str(spec)])
    assert result.stdout.splitlines() == [
        "tenant acme: deployed",
        "hosts: acme.example.com  cell: 1  priority: 10",
        "tier: (none)",
        "image: public.ecr.aws/nginx/nginx:stable (defaults)",
        "container_port: 80 (defaults)",
        "cpu: 256 (defaults)",
        "memory: 512 (defaults)",
        "desired_count: 1 (defaults)",
        "health_check_path: / (defaults)",
        "log_retention_days: 30 (platform)",
        "autoscaling.min: 1 (defaults)",
        "autoscaling.max: 4 (defaults)",
        "autoscaling.cpu_target: 60 (defaults)",
        "urls: http://acme.example.com",
        f"log_group_name: {GROUP}",
        "DNS records to create yourself:",
        f"  acme.example.com CNAME {ALB}",
    ]


def test_show_live_reads_tasks_events_and_target_health(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path, moto_env: str
) -> None:
    ecs_service(moto_env, desired=2)
    ec2: Any = client(moto_env, "ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    elbv2: Any = client(moto_env, "elbv2")
    group = elbv2.create_target_group(Name="saas-acme-dev-80", Protocol="HTTP", Port=80, VpcId=vpc, TargetType="ip")
    arn = group["TargetGroups"][0]["TargetGroupArn"]
    elbv2.register_targets(TargetGroupArn=arn, Targets=[{"Id": "10.0.1.5", "Port": 80}])
    deployed_platform(engine)
    engine.deploy(TENANTS, "acme", {"service_name": "saas-acme-dev", "target_group_arn": arn})
    result = runner.invoke(app, ["tenant", "show", "acme", "-f", str(spec), "--json", "--live"])
    assert result.exit_code == 0, result.stderr
    live = json.loads(result.stdout)["live"]
    assert {k: live["service"][k] for k in ("running", "desired")} == {"running": 0, "desired": 2}
    assert [(t["target"], t["port"]) for t in live["targets"]] == [("10.0.1.5", 80)]


def _put_events(url: str, messages: list[tuple[int, str]]) -> None:
    logs: Any = client(url, "logs")
    logs.create_log_group(logGroupName=GROUP)
    logs.create_log_stream(logGroupName=GROUP, logStreamName="app/app/1")
    logs.put_log_events(
        logGroupName=GROUP,
        logStreamName="app/app/1",
        logEvents=[{"timestamp": ts, "message": message} for ts, message in messages],
    )


def test_logs_prints_the_tenants_events_oldest_first_with_time_and_stream(
    runner: CliRunner, spec: Path, moto_env: str
) -> None:
    now = int(time.time() * 1000)
    _put_events(
        moto_env, [(now - 3_600_000, "too old"), (now - 120_000, "GET / 200"), (now - 60_000, "GET /health 200")]
    )
    result = runner.invoke(app, ["tenant", "logs", "acme", "-f", str(spec), "--since", "10m"])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split(" ", 2)[1:] for line in lines] == [["app/app/1", "GET / 200"], ["app/app/1", "GET /health 200"]]
    assert lines[0].split(" ")[0].endswith("Z")


def test_logs_json_is_one_document(runner: CliRunner, spec: Path, moto_env: str) -> None:
    now = int(time.time() * 1000)
    _put_events(moto_env, [(now - 1000, "hello")])
    document = json.loads(runner.invoke(app, ["tenant", "logs", "acme", "-f", str(spec), "--json"]).stdout)
    assert document == {
        "log_group": GROUP,
        "events": [{"timestamp": now - 1000, "stream": "app/app/1", "message": "hello"}],
    }


def test_logs_of_a_tenant_without_a_log_group_says_so(runner: CliRunner, spec: Path, moto_env: str) -> None:
    result = runner.invoke(app, ["tenant", "logs", "acme", "-f", str(spec)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: log group {GROUP} does not exist",
        f"hint: is tenant acme deployed? (`saasctl tenant show acme -f {spec}`)",
    ]


def test_follow_prints_each_new_event_once(moto_env: str) -> None:
    now = int(time.time() * 1000)
    _put_events(moto_env, [(now - 2000, "first")])
    logs: Any = client(moto_env, "logs")

    def arrive(_: float) -> None:
        logs.put_log_events(
            logGroupName=GROUP, logStreamName="app/app/1", logEvents=[{"timestamp": now - 1000, "message": "second"}]
        )

    seen = [line.message for line in follow(logs, GROUP, now - 60_000, sleep=arrive, rounds=2)]
    assert seen == ["first", "second"]
    assert [line.message for line in fetch(logs, GROUP, now - 60_000)] == ["first", "second"]


@pytest.mark.parametrize(("text", "seconds"), [("30s", 30), ("10m", 600), ("2h", 7200), ("1d", 86400)])
def test_since_takes_seconds_minutes_hours_and_days(text: str, seconds: int) -> None:
    assert parse_since(text) == seconds


def test_since_refuses_what_is_not_a_duration(runner: CliRunner, spec: Path) -> None:
    result = runner.invoke(app, ["tenant", "logs", "acme", "-f", str(spec), "--since", "ten minutes"])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == "error: --since 'ten minutes' is not a duration"


def _service_with_targets(url: str, tenant: str, desired: int, targets: list[str]) -> str:
    """In moto: tenant's ECS service in cluster saas-dev and its target group with ``targets``; its ARN."""
    ecs: Any = client(url, "ecs")
    ecs.create_cluster(clusterName="saas-dev")
    family = f"saas-{tenant}-dev"
    ecs.register_task_definition(family=family, containerDefinitions=[{"name": "app", "image": "x", "memory": 512}])
    ecs.create_service(cluster="saas-dev", serviceName=family, taskDefinition=family, desiredCount=desired)
    ec2: Any = client(url, "ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    elbv2: Any = client(url, "elbv2")
    group = elbv2.create_target_group(Name=f"{family}-80", Protocol="HTTP", Port=80, VpcId=vpc, TargetType="ip")
    arn = str(group["TargetGroups"][0]["TargetGroupArn"])
    if targets:
        elbv2.register_targets(TargetGroupArn=arn, Targets=[{"Id": ip, "Port": 80} for ip in targets])
    return arn


def test_list_live_shows_every_deployed_tenants_tasks_and_targets_in_one_table(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path], moto_env: str
) -> None:
    path = write_spec(MINIMAL + "  - name: globex\n    priority: 20\n  - name: initech\n    priority: 30\n")
    deployed_platform(engine)
    for tenant, desired, targets in (("acme", 2, ["10.0.1.5", "10.0.1.6"]), ("globex", 1, [])):
        arn = _service_with_targets(moto_env, tenant, desired, targets)
        engine.deploy(TENANTS, tenant, {"service_name": f"saas-{tenant}-dev", "target_group_arn": arn})
    result = runner.invoke(app, ["tenant", "list", "--live", "-f", str(path)])
    assert result.exit_code == 0, result.stderr
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert [(row[0], row[1], row[-2]) for row in rows] == [
        ("acme", "deployed", "0/2"),
        ("globex", "deployed", "0/1"),
        ("initech", "not deployed", "-"),
    ]
    assert rows[1][-1] == "no targets" and rows[2][-1] == "-"
    assert rows[0][-1] == "2 healthy"  # as moto reports registered targets


def test_list_live_json_carries_each_tenants_live_state_and_one_failure_stays_its_own(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path, moto_env: str, write_spec: Callable[[str], Path]
) -> None:
    path = write_spec(MINIMAL + "  - name: globex\n    priority: 20\n")
    deployed_platform(engine)
    arn = _service_with_targets(moto_env, "acme", 1, ["10.0.1.5"])
    engine.deploy(TENANTS, "acme", {"service_name": "saas-acme-dev", "target_group_arn": arn})
    engine.deploy(TENANTS, "globex", {"service_name": "saas-globex-dev", "target_group_arn": arn + "-gone"})
    result = runner.invoke(app, ["tenant", "list", "--live", "--json", "-f", str(path)])
    assert result.exit_code == 0, result.stderr
    acme, globex = json.loads(result.stdout)["tenants"]
    assert (acme["live"]["service"]["desired"], len(acme["live"]["targets"])) == (1, 1)
    assert globex["live"]["error"].startswith("could not read tenant globex's live state: ")


def test_list_live_and_declared_exclude_each_other(runner: CliRunner, engine: fakes.MemoryEngine, spec: Path) -> None:
    result = runner.invoke(app, ["tenant", "list", "--live", "--declared", "-f", str(spec)])
    assert result.exit_code == 2
    assert result.stderr == "error: --live asks AWS about deployed tenants; --declared reads only the file\n"


HOSTILE = "ok \x1b]0;owned\x07\x1b[2J\x1b[31mred\x9b31m\rback\tTab"


def test_logs_escapes_the_control_sequences_a_tenants_application_wrote(
    runner: CliRunner, spec: Path, moto_env: str
) -> None:
    _put_events(moto_env, [(int(time.time() * 1000) - 1000, HOSTILE)])
    result = runner.invoke(app, ["tenant", "logs", "acme", "-f", str(spec)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.split(" ", 2)[2] == "ok \\x1b]0;owned\\x07\\x1b[2J\\x1b[31mred\\x9b31m\\rback\tTab\n"


def test_logs_raw_prints_messages_as_written(runner: CliRunner, spec: Path, moto_env: str) -> None:
    _put_events(moto_env, [(int(time.time() * 1000) - 1000, HOSTILE)])
    result = runner.invoke(app, ["tenant", "logs", "acme", "-f", str(spec), "--raw"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.split(" ", 2)[2] == HOSTILE + "\n"
