"""Cells at scale: validate, offline preflight and plan of 1,000 tenants in cells, per tenant, against the same
work on the commit before cells: the same 1,000 tenants as a file of that time (no cells: preflight there
refuses more than 100, but does all the same work). Both run side by side in this run, each in its own
process: the baseline from a temporary git worktree of BASELINE.

Target (issue 13): every ratio (cells, per tenant / baseline, per tenant) at most 1.2.

Run: python bench/cells_scale.py [--tenants N] [--plan-tenants N] [--baseline-tenants N]
(default 1000 each; plan is the slow one, about 100 ms a tenant on each side; --baseline-tenants 100 compares
with the largest file one ALB took before cells)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.specgen import spec_text  # noqa: E402
from bench.worktree import checked_out  # noqa: E402

# The last commit without cells (it only added the golden plans the cells change is checked against).
BASELINE = "a5ef7befe52952e6637d0933e89c0c9674c235ed"

# Runs inside a tree: times the three kinds of work on the spec given on stdin, prints JSON.
MEASURE = r"""
import gc, json, sys, time
sys.path.insert(0, sys.argv[1])
from saas_ctl.spec.loader import load_bytes
from saas_ctl.preflight.run import Mode, run
from saas_ctl.service.plan import plan

text = sys.stdin.read().encode()
tenants = int(sys.argv[2])
plan_tenants = int(sys.argv[3])  # 0: measure validate and preflight only

def best(work, repeat=3):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)

loaded = load_bytes(text, "bench")
measured = {
    "validate": best(lambda: load_bytes(text, "bench")) / tenants,
    "preflight": best(lambda: run(loaded, Mode.OFFLINE)) / tenants,
}
if plan_tenants:
    spec = loaded.spec
    plan(spec, [spec.tenants[0].name])  # load the programs and pulumi_aws once, outside the measurement
    names = [t.name for t in spec.tenants[:plan_tenants]]
    start = time.perf_counter()
    plan(spec, names)
    measured["plan"] = (time.perf_counter() - start) / len(names)
print(json.dumps(measured))
"""


def measure(tree: Path, text: str, tenants: int, plan_tenants: int) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(tree), str(tenants), str(plan_tenants)],
        input=text,
        capture_output=True,
        text=True,
        check=True,
        cwd=tree,
    )
    measured: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return measured


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tenants", type=int, default=1000)
    parser.add_argument("--plan-tenants", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds of validate and preflight")
    parser.add_argument("--plan-rounds", type=int, default=2, help="how many of those rounds also plan")
    parser.add_argument(
        "--baseline-tenants", type=int, help="tenants in the baseline's file (default: as many as --tenants)"
    )
    args = parser.parse_args()
    with checked_out(BASELINE) as baseline_tree:
        plan_tenants = min(args.plan_tenants, args.tenants)
        base = args.baseline_tenants or args.tenants
        sides = {
            "before": (baseline_tree, spec_text(base, cells=False), base, min(plan_tenants, base)),
            "after": (REPO, spec_text(args.tenants), args.tenants, plan_tenants),
        }
        # Alternate the two sides and keep each one's best: this machine's speed drifts over minutes, and
        # one side measured after the other would carry the drift into the ratio.
        best: dict[str, dict[str, float]] = {"before": {}, "after": {}}
        for round_ in range(args.rounds):
            for side, (tree, text, tenants, planned) in sides.items():
                found = measure(tree, text, tenants, planned if round_ < args.plan_rounds else 0)
                for key, value in found.items():
                    best[side][key] = min(value, best[side].get(key, value))
        before, after = best["before"], best["after"]
    print("per tenant")
    before_label = f"before cells ({args.baseline_tenants or args.tenants})"
    print(f"{'':<22}{before_label:>18}{f'in cells ({args.tenants})':>18}{'ratio':>8}")
    for work, unit, scale in (("validate", "µs", 1e6), ("preflight (offline)", "µs", 1e6), ("plan", "ms", 1e3)):
        key = work.split()[0]
        print(
            f"{work:<22}{before[key] * scale:>13.1f} {unit:<4}{after[key] * scale:>13.1f} {unit:<4}"
            f"{after[key] / before[key]:>8.2f}"
        )


if __name__ == "__main__":
    main()
