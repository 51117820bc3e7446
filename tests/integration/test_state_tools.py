"""saasctl state rm with the real Pulumi CLI: a stack left empty is forgotten, one that records resources is not."""

from __future__ import annotations

from tests.integration.conftest import RealEngine, requires_pulumi
from tests.integration.test_state_location import init_stack

pytestmark = [requires_pulumi]


def test_state_rm_forgets_an_empty_stack_through_the_pulumi_cli(real: RealEngine) -> None:
    real.edit_spec("tenants: []\n", "tenants:\n  - {name: acme, priority: 10}\n")
    init_stack(real, real.workdir / ".saasctl" / "state", "itest-test-tenants", "acme")  # as a failed first deploy
    assert real.ok("tenant", "list", "--json").json()["tenants"][0]["state"] == "deployed"
    forgotten = real.ok("state", "rm", "acme", "--json").json()
    assert forgotten == {"stack": "itest-test-tenants/acme", "forgotten": []}
    assert real.ok("tenant", "list", "--json").json()["tenants"][0]["state"] == "not deployed"


def test_state_rm_refuses_a_deployed_platform_and_names_what_it_would_forget(real: RealEngine) -> None:
    real.ok("platform", "up", "--yes")
    refused = real.run("state", "rm", "platform")
    assert refused.returncode == 2
    assert "error: stack itest-platform/test still records " in refused.stderr
    assert "aws:ec2/vpc:Vpc network-vpc" in refused.stderr
    assert real.ok("platform", "outputs", "--json").json()["deployed"] is True
