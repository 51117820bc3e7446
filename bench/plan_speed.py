"""`saasctl plan` of 100 tenants, end to end (a new process, its output to a pipe), side by side with the same
command on the commit issue 12 was measured against: the baseline runs from a temporary git worktree of
BASELINE, and the two sides alternate within this run so that drift in the machine's speed reaches both.

Target (issue 12): `plan` at most 0.75x the baseline's time. `plan --json` (the same synthesis, output
unchanged) is measured too.

Run: python bench/plan_speed.py [--tenants N] [--rounds N]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.specgen import spec_text  # noqa: E402
from bench.worktree import checked_out  # noqa: E402

# The commit before any work on issue 12 (the README's architecture notes of 2026-11-29).
BASELINE = "f01dc45"

# Runs the CLI of the tree given first; fails loudly if Python would import saasctl from anywhere else.
RUN = r"""
import sys
tree = sys.argv[1]
sys.path.insert(0, tree)
import saas_ctl
assert saas_ctl.__file__.startswith(tree), saas_ctl.__file__
from saas_ctl.cli.main import main
sys.argv = ["saasctl", *sys.argv[2:]]
main()
"""


def seconds(tree: Path, args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", RUN, str(tree), *args], check=True, capture_output=True, cwd=tree)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tenants", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        spec = Path(directory) / "tenants.yaml"
        spec.write_text(spec_text(args.tenants, cells=False))  # one cell: a file the baseline reads too
        with checked_out(BASELINE) as baseline:
            commands = {"plan": ["plan", "-f", str(spec)], "plan --json": ["plan", "-f", str(spec), "--json"]}
            best: dict[tuple[str, str], float] = {}
            for _ in range(args.rounds):
                for label, command in commands.items():
                    for side, tree in (("before", baseline), ("after", REPO)):
                        found = seconds(tree, command)
                        best[side, label] = min(found, best.get((side, label), found))
    print(f"{args.tenants} tenants, best of {args.rounds} alternating rounds; baseline {BASELINE}")
    print(f"{'':<14}{'baseline':>10}{'now':>10}{'ratio':>8}")
    for label in commands:
        before, after = best["before", label], best["after", label]
        print(f"{label:<14}{before:>9.1f}s{after:>9.1f}s{after / before:>8.2f}")


if __name__ == "__main__":
    main()
