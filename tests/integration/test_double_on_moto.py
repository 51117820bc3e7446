"""What AWS refuses, as the real engine meets it, and faults injected on the way: small inline programs through
the Automation API, the real Pulumi CLI, and the AWS provider double answering from a moto server
(``AWS_ENDPOINT_URL``). Each refusal is moto's own (or, where the double models one moto lacks, the provider's,
cited in its handler) and reaches the engine as the real provider reports it: ``creating <kind> (<name>):
operation error <Service>: <Operation>, https response error StatusCode: <n>, RequestID: <id>, api error <Code>:
<Message>``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest
from pulumi import automation as auto

from tests.integration.conftest import PULUMI, RealEngine, requires_pulumi
from tests.moto_server import client

pytestmark = [requires_pulumi]

Program = Callable[[], None]


class Programs:
    """Inline programs on the real engine, with the double behind it answering from moto."""

    def __init__(self, real: RealEngine, url: str) -> None:
        self.real = real
        self.url = url

    def up(self, program: Program, region: str = "us-east-1", **env: str) -> auto.UpResult:
        return self._stack(program, region, env).up(color="never")

    def refresh(self, program: Program) -> auto.RefreshResult:
        return self._stack(program, "us-east-1", {}).refresh(color="never")

    def failing_up(self, program: Program, region: str = "us-east-1", **env: str) -> str:
        """The engine's output of an update that fails."""
        with pytest.raises(auto.CommandError) as failed:
            self.up(program, region, **env)
        return str(failed.value)

    def _stack(self, program: Program, region: str, env: dict[str, str]) -> auto.Stack:
        backend = (self.real.workdir / "state").as_uri()
        (self.real.workdir / "state").mkdir(exist_ok=True)
        assert PULUMI is not None
        stack = auto.create_or_select_stack(
            stack_name="refusal",
            project_name="refusals",
            program=program,
            opts=auto.LocalWorkspaceOptions(
                pulumi_command=auto.PulumiCommand(root=str(Path(PULUMI).parent.parent), skip_version_check=True),
                project_settings=auto.ProjectSettings(
                    name="refusals", runtime="python", backend=auto.ProjectBackend(url=backend)
                ),
                env_vars={
                    **self.real.env,
                    "AWS_ENDPOINT_URL": self.url,
                    "AWS_ACCESS_KEY_ID": "testing",
                    "AWS_SECRET_ACCESS_KEY": "testing",
                    **env,
                },
            ),
        )
        stack.set_config("aws:region", auto.ConfigValue(region))
        return stack


@pytest.fixture
def programs(real: RealEngine, moto: str) -> Iterator[Programs]:
    yield Programs(real, moto)


def network(subnets: int = 0) -> tuple[aws.ec2.Vpc, list[aws.ec2.Subnet]]:
    vpc = aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16")
    zones = ["us-east-1a", "us-east-1b"]
    return vpc, [
        aws.ec2.Subnet(f"subnet-{i}", vpc_id=vpc.id, cidr_block=f"10.0.{i}.0/24", availability_zone=zones[i])
        for i in range(subnets)
    ]


def test_the_61st_egress_rule_of_a_security_group_is_refused_with_awss_code(programs: Programs, moto: str) -> None:
    def program() -> None:
        vpc, _ = network()
        group = aws.ec2.SecurityGroup("group", name="crowded", vpc_id=vpc.id, description="61 rules")
        for port in range(1000, 1061):
            aws.vpc.SecurityGroupEgressRule(
                f"out-{port}",
                security_group_id=group.id,
                ip_protocol="tcp",
                from_port=port,
                to_port=port,
                cidr_ipv4="10.0.0.0/8",
            )

    output = programs.failing_up(program)
    assert "creating VPC Security Group Egress Rule (out-10" in output
    assert "operation error EC2: AuthorizeSecurityGroupEgress, https response error StatusCode: 400" in output
    assert (
        "api error RulesPerSecurityGroupLimitExceeded: The maximum number of rules per security group has been "
        "reached." in output
    )
    ec2: Any = client(moto, "ec2")
    [group] = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["crowded"]}])["SecurityGroups"]
    # 60 the program's, none AWS's default allow-all (the provider revokes it as it creates the group).
    assert len(group["IpPermissionsEgress"]) == 60


def routed(port: int, delete_first: bool) -> Program:
    """An ALB whose listener rule forwards to a target group named ``web``, on ``port``."""

    def program() -> None:
        vpc, subnets = network(subnets=2)
        # Internal: an internet-facing one needs an internet gateway in the VPC (the double refuses it without).
        alb = aws.lb.LoadBalancer(
            "alb", name="alb", internal=True, load_balancer_type="application", subnets=[s.id for s in subnets]
        )
        listener = aws.lb.Listener(
            "http",
            load_balancer_arn=alb.arn,
            port=80,
            protocol="HTTP",
            default_actions=[
                aws.lb.ListenerDefaultActionArgs(
                    type="fixed-response",
                    fixed_response=aws.lb.ListenerDefaultActionFixedResponseArgs(
                        content_type="text/plain", status_code="404"
                    ),
                )
            ],
        )
        group = aws.lb.TargetGroup(
            "web",
            name="web",
            port=port,
            protocol="HTTP",
            target_type="ip",
            vpc_id=vpc.id,
            opts=pulumi.ResourceOptions(delete_before_replace=delete_first),
        )
        aws.lb.ListenerRule(
            "rule",
            listener_arn=listener.arn,
            priority=10,
            actions=[aws.lb.ListenerRuleActionArgs(type="forward", target_group_arn=group.arn)],
            conditions=[
                aws.lb.ListenerRuleConditionArgs(
                    host_header=aws.lb.ListenerRuleConditionHostHeaderArgs(values=["a.example.com"])
                )
            ],
        )

    return program


def test_deleting_a_target_group_a_listener_rule_still_uses_is_refused(programs: Programs, moto: str) -> None:
    programs.up(routed(80, delete_first=True))
    # A port forces a new target group; deleted first (the option), while the rule still forwards to it.
    output = programs.failing_up(routed(8080, delete_first=True))
    assert "deleting ELBv2 Target Group (arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/" in output
    assert "operation error Elastic Load Balancing v2: DeleteTargetGroup" in output
    assert "api error ResourceInUse: The target group 'arn:aws:elasticloadbalancing:" in output
    elbv2: Any = client(moto, "elbv2")
    [group] = elbv2.describe_target_groups(Names=["web"])["TargetGroups"]
    assert group["Port"] == 80


def test_a_second_target_group_of_the_same_name_is_refused_when_created_first(programs: Programs) -> None:
    programs.up(routed(80, delete_first=False))
    output = programs.failing_up(routed(8080, delete_first=False))
    assert "creating ELBv2 Target Group (web): operation error Elastic Load Balancing v2: CreateTargetGroup" in output
    assert "api error DuplicateTargetGroupName: " in output


def two_buckets() -> None:
    first = aws.s3.Bucket("first", bucket="taken-name")
    aws.s3.Bucket("second", bucket="taken-name", opts=pulumi.ResourceOptions(depends_on=[first]))


def test_a_bucket_name_this_account_holds_is_refused_in_us_east_1_by_the_provider(programs: Programs) -> None:
    # S3 itself answers success there (moto as AWS); the provider looks first (resourceBucketCreate).
    output = programs.failing_up(two_buckets, region="us-east-1")
    assert "creating S3 Bucket (taken-name): BucketAlreadyExists" in output


def test_a_bucket_name_this_account_holds_is_refused_by_s3_elsewhere(programs: Programs) -> None:
    output = programs.failing_up(two_buckets, region="eu-west-1")
    assert (
        "creating S3 Bucket (taken-name): operation error S3: CreateBucket, https response error StatusCode: 409"
        in output
    )
    assert "api error BucketAlreadyOwnedByYou: " in output


def test_an_injected_failure_stops_the_call_before_it_reaches_moto(programs: Programs, moto: str) -> None:
    output = programs.failing_up(two_buckets, SAASCTL_DOUBLE_FAIL="create:first")
    assert "the AWS double was told to fail create of first" in output
    s3: Any = client(moto, "s3")
    assert s3.list_buckets()["Buckets"] == []


def test_a_refresh_reads_moto_and_forgets_what_was_deleted_behind_the_engines_back(
    programs: Programs, real: RealEngine, moto: str
) -> None:
    def program() -> None:
        aws.cloudwatch.LogGroup("kept", name="/kept", retention_in_days=7)
        aws.cloudwatch.LogGroup("gone", name="/gone", retention_in_days=7)

    programs.up(program)
    logs: Any = client(moto, "logs")
    logs.delete_log_group(logGroupName="/gone")
    mark = real.mark()
    refreshed = programs.refresh(program)
    assert refreshed.summary.resource_changes == {"same": 2, "delete": 1}
    reads = {c["name"]: c["found"] for c in real.calls_since(mark) if c["op"] == "read"}
    assert reads == {"kept": True, "gone": False}
