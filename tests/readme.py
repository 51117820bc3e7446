"""README.md as the tests read it: the emulator walkthrough's lines, which two tests run in order (the plugged
in-memory engine in tests/cli/test_readme_walkthrough.py, the real engine in tests/integration/test_end_to_end.py)."""

from __future__ import annotations

import re

from tests.conftest import REPO

# The walkthrough's one line that is not a command: an edit of tenants.yaml.
PROTECTION_OFF = "# in tenants.yaml set platform.database.deletion_protection: false, then:"
# Its one command that downloads (the Pulumi CLI): the tests bring their own.
INSTALL_PULUMI = "saasctl install-pulumi"


def walkthrough() -> list[str]:
    """The lines of README's emulator walkthrough (its first ``bash`` block after "the local emulator"), comments
    after commands removed."""
    text = (REPO / "README.md").read_text()
    start = text.index("the local emulator")
    block = re.search(r"```bash\n(.*?)```", text[start:], re.S)
    assert block is not None, "README has no emulator walkthrough"
    return [re.split(r"\s{2,}#", line)[0].strip() for line in block.group(1).splitlines() if line.strip()]
