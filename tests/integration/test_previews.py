"""What the real engine's preview shows an operator before the question: the resources it replaces, by name,
with a line of its own for the VPC; and the same list under --json."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

from tests.integration.conftest import RealEngine, Run, requires_pulumi

pytestmark = [requires_pulumi]


def at_a_terminal(real: RealEngine, answer: str, *args: str) -> Run:
    """saasctl with a pseudo-terminal as stdin (a person at a terminal) who types ``answer``."""
    main, secondary = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "saas_ctl", *args],
            cwd=real.workdir,
            env=real.env,
            stdin=secondary,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        os.write(main, f"{answer}\n".encode())
        stdout, stderr = process.communicate(timeout=600)
    finally:
        os.close(secondary)
        os.close(main)
    return Run(process.returncode, stdout, stderr)


def test_a_vpc_cidr_change_is_refused_by_up_and_previewed_with_the_vpc_replacement_by_name(real: RealEngine) -> None:
    real.ok("platform", "up", "--yes")
    real.edit_spec("vpc_cidr: 10.0.0.0/16", "vpc_cidr: 10.1.0.0/16")
    mark = real.mark()

    asked = at_a_terminal(real, "n", "platform", "up")
    assert asked.returncode == 2, asked.stderr
    assert "platform.network.vpc_cidr is 10.0.0.0/16 in the deployed platform and 10.1.0.0/16 in the file" in (
        asked.stderr
    )
    assert "Apply these changes to the platform?" not in asked.stderr

    previewed = real.run("platform", "preview", "--json", "--detailed-exitcode")
    assert previewed.returncode == 3, previewed.stderr
    [stack] = previewed.json()["results"]
    replaced = {c["name"]: c for c in stack["changes_detail"] if c["op"] == "replace"}
    assert replaced["network-vpc"]["replace_keys"] == ["cidrBlock"]
    assert replaced["network-vpc"]["data_resource"] == "the VPC"
    assert replaced["network-vpc"]["properties"] == [
        {"path": "cidrBlock", "old": "10.0.0.0/16", "new": "10.1.0.0/16", "replaces": True}
    ]
    assert len(replaced) == stack["changes"]["replace"]
    assert [c for c in real.calls_since(mark) if c["op"] != "check"] == []  # previews change nothing in AWS
