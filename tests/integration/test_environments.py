"""Environments that share a state backend, on the real Pulumi engine (file backend, the AWS double recording what
the engine asked for): a file for another Region acts on nothing of the first one's, and a stack deployed with the
names of an earlier release keeps them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from infra.naming import TenantNames
from tests.integration.conftest import SPEC, RealEngine, requires_pulumi

pytestmark = [requires_pulumi]

# An earlier release: tenant buckets named without the account, IAM roles without the Region. The inline programs
# run in saasctl's own process, so patching the names there is what that release deployed.
EARLIER_RELEASE = """\
import sys
from infra import naming
naming.TenantNames.bucket = naming.TenantNames.legacy_bucket
naming.TenantNames.execution_role = property(lambda names: names.legacy_roles[0])
naming.TenantNames.task_role = property(lambda names: names.legacy_roles[1])
from saas_ctl.cli.main import main
main()
"""


def test_prune_from_another_regions_file_on_a_shared_backend_destroys_nothing_of_the_first(
    real: RealEngine, tmp_path: Path
) -> None:
    backend = (tmp_path / "shared-state").as_uri()
    real.edit_spec("tenants: []\n", "tenants:\n  - name: alpha\n    priority: 1\n")
    real.ok("apply", "--yes", "--skip-preflight", "--backend", backend)
    # A copy of the file for eu-west-1 that keeps the project and environment names: the same stacks.
    west = tmp_path / "west" / "tenants.yaml"
    west.parent.mkdir()
    west.write_text(SPEC.replace("region: us-east-1", "region: eu-west-1"))

    mark = real.mark()
    pruned = real.run("apply", "--prune", "--yes", "--skip-preflight", "--backend", backend, "-f", str(west))
    assert pruned.returncode == 2, pruned.stderr
    assert (
        "error: refusing to act on 1 tenant stack(s) deployed for another environment: itest-test-tenants/alpha "
        "(Region us-east-1, not eu-west-1); nothing was changed" in pruned.stderr
    )
    assert real.calls_since(mark) == []  # the engine asked the provider for nothing
    listed = real.ok("tenant", "list", "--json", "--backend", backend).json()["tenants"]
    assert [(t["name"], t["state"]) for t in listed] == [("alpha", "deployed")]


def test_a_tenant_deployed_with_an_earlier_releases_names_keeps_them(real: RealEngine, tmp_path: Path) -> None:
    real.ok("platform", "up", "--yes", "--skip-preflight")
    earlier = tmp_path / "earlier_release.py"
    earlier.write_text(EARLIER_RELEASE)
    added = subprocess.run(
        [sys.executable, str(earlier), "tenant", "add", "acme", "--yes", "--skip-preflight", "--json"],
        cwd=real.workdir,
        env=real.env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert added.returncode == 0, added.stderr
    legacy = TenantNames("itest", "test", "us-east-1", "acme")
    named = ("aws:s3/bucket:Bucket", "aws:iam/role:Role")
    created = {c["name"]: c["physical_name"] for c in real.calls() if c["op"] == "create" and c["type"] in named}
    assert [created[n] for n in ("storage-bucket", "iam-execution", "iam-task")] == [
        legacy.legacy_bucket,
        *legacy.legacy_roles,
    ]

    mark = real.mark()
    again = real.ok("tenant", "up", "acme", "--yes", "--skip-preflight", "--json").json()["results"][0]
    # The program now names them with the account and the Region; the engine keeps the deployed names.
    assert real.calls_since(mark) == []
    assert set(again["changes"]) == {"same"}, again["changes"]
    assert again["outputs"]["bucket_name"] == legacy.legacy_bucket
