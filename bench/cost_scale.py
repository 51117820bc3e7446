"""`saasctl cost`'s estimate of generated files of 10 .. 10,000 tenants, and what tiers add to loading them:
the estimate alone and the file's load with and without a tier on every tenant (total and per tenant).

Run: python bench/cost_scale.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.specgen import spec_text
from saas_ctl.cost import prices
from saas_ctl.cost.estimate import estimate
from saas_ctl.spec.loader import load

TIER = "tiers:\n  business: {cpu: 1024, memory: 2048, desired_count: 2, autoscaling: {max: 8}}\ntenants:\n"


def best_of(runs: int, call: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    table = prices.load("us-east-1")
    with tempfile.TemporaryDirectory() as directory:
        print(f"{'tenants':>8}  {'estimate':>10}  {'per tenant':>10}  {'load':>9}  {'load tiered':>11}  {'ratio':>5}")
        for count in (10, 100, 1_000, 10_000):
            plain = Path(directory) / f"plain-{count}.yaml"
            plain.write_text(spec_text(count))
            tiered = Path(directory) / f"tiered-{count}.yaml"
            tiered.write_text(
                spec_text(count).replace("tenants:\n", TIER).replace("    cell:", "    tier: business\n    cell:")
            )
            spec = load(tiered).spec
            assert all(t.tier == "business" for t in spec.tenants)
            cost = best_of(3, lambda spec=spec: estimate(spec, table))  # type: ignore[misc]
            base = best_of(3, lambda plain=plain: load(plain))  # type: ignore[misc]
            with_tiers = best_of(3, lambda tiered=tiered: load(tiered))  # type: ignore[misc]
            print(
                f"{count:>8}  {cost * 1000:7.1f} ms  {cost / count * 1e6:7.1f} µs  {base * 1000:6.1f} ms  "
                f"{with_tiers * 1000:8.1f} ms  {with_tiers / base:5.2f}"
            )


if __name__ == "__main__":
    main()
