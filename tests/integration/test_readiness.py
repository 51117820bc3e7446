"""What a machine without the AWS provider plugin sees, with the real Pulumi CLI: the commands that only look
work (a platform stack left empty by a failed first deploy included); a deploy is refused before preflight,
saying how to install the plugin."""

from __future__ import annotations

from importlib.metadata import version

from tests.integration.conftest import RealEngine, requires_pulumi

pytestmark = [requires_pulumi]

NO_PLUGIN = {
    "PULUMI_IGNORE_AMBIENT_PLUGINS": "true",  # the double on PATH is not used: no plugin anywhere
    # Where the CLI would download it from: a closed local port, so no machine reaches the network here.
    "PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES": "^.*$=http://127.0.0.1:9",
}


def test_without_the_plugin_looking_works_and_a_deploy_says_how_to_install_it_before_preflight(
    real: RealEngine,
) -> None:
    real.edit_spec("tenants: []\n", "tenants:\n  - name: acme\n    priority: 10\n")
    failed = real.run("platform", "up", "--yes", env={"SAASCTL_DOUBLE_FAIL": "create:network-vpc"})
    assert failed.returncode == 1, failed.stderr  # the stack exists, with no outputs

    outputs = real.run("platform", "outputs", env=NO_PLUGIN)
    assert outputs.returncode == 0, outputs.stderr
    assert outputs.stdout.startswith("platform stack itest-platform/test: not deployed")
    listed = real.run("tenant", "list", "--json", env=NO_PLUGIN)
    assert (listed.returncode, listed.json()["tenants"][0]["state"]) == (0, "not deployed"), listed.stderr
    shown = real.run("tenant", "show", "acme", "--json", env=NO_PLUGIN)
    assert (shown.returncode, shown.json()["state"]) == (0, "not deployed"), shown.stderr

    mark = real.mark()
    refused = real.run("platform", "up", "--yes", env=NO_PLUGIN)
    aws = version("pulumi_aws")
    assert refused.returncode == 2
    # after the warning that this environment's only state is on this machine (the real engine on a file backend)
    assert next(line for line in refused.stderr.splitlines() if line.startswith("error: ")).startswith(
        f"error: the AWS provider plugin v{aws} is not installed, and installing it failed: "
    )
    assert f"hint: `pulumi plugin install resource aws v{aws}` downloads https://github.com/pulumi/pulumi-aws/" in (
        refused.stderr
    )
    assert f"--file pulumi-resource-aws-v{aws}-" in refused.stderr
    assert "preflight" not in refused.stderr
    assert real.calls_since(mark) == []
